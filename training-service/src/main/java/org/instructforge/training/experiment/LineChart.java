package org.instructforge.training.experiment;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The experiment report's PNG line charts, drawn by JFreeChart headless so they plot on a server or in CI. */
public final class LineChart {

    static {
        // Drawing into an image needs no display, but AWT may still probe for one unless told.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** Series colours, in order; package-private so tests can look for them in the image. */
    static final Color[] PALETTE = {
        new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44),
        new Color(214, 39, 40), new Color(148, 103, 189), new Color(140, 86, 75),
        new Color(227, 119, 194), new Color(23, 190, 207), new Color(188, 189, 34)
    };

    /** Above this many points a series is drawn as a line only: markers would merge into a smear. */
    private static final int MARKER_LIMIT = 60;

    /** One named series of (x, y) points. */
    public record Series(String name, double[] x, double[] y) {
        public Series {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(x, "x");
            Objects.requireNonNull(y, "y");
            if (x.length != y.length) {
                throw new IllegalArgumentException(
                        "series '" + name + "' has " + x.length + " x values but " + y.length + " y values");
            }
            // Copy so a caller reusing its buffers cannot change a chart-to-be.
            x = x.clone();
            y = y.clone();
        }

        @Override
        public double[] x() {
            return x.clone();
        }

        @Override
        public double[] y() {
            return y.clone();
        }
    }

    private LineChart() {}

    public static void write(Path png, String title, String xLabel, String yLabel, List<Series> series)
            throws IOException {
        write(png, title, xLabel, yLabel, series, 720, 400);
    }

    public static void write(
            Path png, String title, String xLabel, String yLabel, List<Series> series, int width, int height)
            throws IOException {
        if (width < 100 || height < 100) {
            throw new IllegalArgumentException("chart must be at least 100x100 pixels, got " + width + "x" + height);
        }
        List<Series> all = series == null ? List.of() : series;
        XYSeriesCollection data = new XYSeriesCollection();
        for (int i = 0; i < all.size(); i++) {
            data.addSeries(xySeries(all.get(i), i));
        }
        JFreeChart chart = ChartFactory.createXYLineChart(
                orEmpty(title), orEmpty(xLabel), orEmpty(yLabel), data, PlotOrientation.VERTICAL, true, false, false);
        style(chart, all);
        Path parent = png.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        ChartUtils.saveChartAsPNG(png.toFile(), chart, width, height);
    }

    /**
     * A series with its non-finite values as gaps: the renderer breaks the line at NaN, and an infinite loss of a
     * diverged run would otherwise stretch the axis until the rest is flat. Series names may repeat; the index keeps
     * their keys apart.
     */
    private static XYSeries xySeries(Series s, int index) {
        XYSeries out = new XYSeries(new SeriesKey(s.name(), index), false, true);
        for (int i = 0; i < s.x.length; i++) {
            boolean finite = Double.isFinite(s.x[i]) && Double.isFinite(s.y[i]);
            if (Double.isFinite(s.x[i])) {
                out.add(s.x[i], finite ? s.y[i] : Double.NaN);
            }
        }
        return out;
    }

    /** A legend entry's key: the series' name, unique by its position. */
    private record SeriesKey(String name, int index) implements Comparable<SeriesKey> {
        @Override
        public int compareTo(SeriesKey other) {
            return Integer.compare(index, other.index);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static void style(JFreeChart chart, List<Series> all) {
        chart.setBackgroundPaint(Color.WHITE);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(228, 228, 228));
        plot.setRangeGridlinePaint(new Color(228, 228, 228));
        plot.setNoDataMessage("no data");
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer();
        for (int i = 0; i < all.size(); i++) {
            renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
            renderer.setSeriesStroke(i, new BasicStroke(2f));
            renderer.setSeriesShapesVisible(i, all.get(i).x.length <= MARKER_LIMIT);
        }
        plot.setRenderer(renderer);
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
