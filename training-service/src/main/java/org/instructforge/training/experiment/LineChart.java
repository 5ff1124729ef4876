package org.instructforge.training.experiment;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.imageio.ImageIO;

/**
 * Writes simple PNG line charts with nothing but java.awt, so experiment runs can plot their curves
 * on a server or in CI without a plotting library or a display.
 */
public final class LineChart {

    static {
        // Drawing into a BufferedImage needs no display, but AWT may still probe for one unless told.
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

    private static final int MARKER_LIMIT = 60;
    private static final Color GRID = new Color(228, 228, 228);
    private static final Color AXIS = new Color(90, 90, 90);

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
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            draw(g, width, height, orEmpty(title), orEmpty(xLabel), orEmpty(yLabel), all);
        } finally {
            g.dispose();
        }
        Path parent = png.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (OutputStream out = Files.newOutputStream(png)) {
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException("no PNG writer available");
            }
        }
    }

    private static void draw(Graphics2D g, int w, int h, String title, String xLabel, String yLabel, List<Series> all) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        Font base = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
        g.setFont(base.deriveFont(Font.BOLD, 15f));
        g.setColor(Color.BLACK);
        centered(g, title, w / 2, 24);
        g.setFont(base);

        // Ranges come from finite points only, so a NaN loss or a diverged run cannot flatten the plot.
        double[] r = {
            Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY
        };
        for (Series s : all) {
            for (int i = 0; i < s.x.length; i++) {
                if (finite(s.x[i], s.y[i])) {
                    r[0] = Math.min(r[0], s.x[i]);
                    r[1] = Math.max(r[1], s.x[i]);
                    r[2] = Math.min(r[2], s.y[i]);
                    r[3] = Math.max(r[3], s.y[i]);
                }
            }
        }
        if (r[0] > r[1]) {
            g.setColor(AXIS);
            centered(g, "no data", w / 2, h / 2);
            return;
        }
        double[] xr = padded(r[0], r[1]);
        double[] yr = padded(r[2], r[3]);
        double[] xTicks = ticks(xr[0], xr[1]);
        double[] yTicks = ticks(yr[0], yr[1]);
        List<String> yTickLabels = new ArrayList<>();
        FontMetrics fm = g.getFontMetrics();
        int widest = 0;
        for (double t : yTicks) {
            String label = format(t, step(yTicks));
            yTickLabels.add(label);
            widest = Math.max(widest, fm.stringWidth(label));
        }
        // The left margin grows with the y tick labels so long numbers never collide with the axis title.
        int left = 26 + widest + 10, right = w - 20, top = 40, bottom = h - 48;
        int pw = right - left, ph = bottom - top;

        for (int i = 0; i < yTicks.length; i++) {
            int py = (int) Math.round(bottom - (yTicks[i] - yr[0]) / (yr[1] - yr[0]) * ph);
            g.setColor(GRID);
            g.drawLine(left, py, right, py);
            g.setColor(AXIS);
            g.drawLine(left - 4, py, left, py);
            g.drawString(
                    yTickLabels.get(i), left - 7 - fm.stringWidth(yTickLabels.get(i)), py + fm.getAscent() / 2 - 1);
        }
        for (double t : xTicks) {
            int px = (int) Math.round(left + (t - xr[0]) / (xr[1] - xr[0]) * pw);
            g.setColor(GRID);
            g.drawLine(px, top, px, bottom);
            g.setColor(AXIS);
            g.drawLine(px, bottom, px, bottom + 4);
            centered(g, format(t, step(xTicks)), px, bottom + 6 + fm.getAscent());
        }
        g.drawRect(left, top, pw, ph);
        centered(g, xLabel, (left + right) / 2, h - 10);
        Graphics2D rotated = (Graphics2D) g.create();
        rotated.translate(6 + fm.getAscent(), (top + bottom) / 2.0);
        rotated.rotate(-Math.PI / 2);
        centered(rotated, yLabel, 0, 0);
        rotated.dispose();

        Graphics2D plot = (Graphics2D) g.create();
        plot.clipRect(left, top, pw + 1, ph + 1);
        plot.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        for (int k = 0; k < all.size(); k++) {
            Series s = all.get(k);
            plot.setColor(PALETTE[k % PALETTE.length]);
            Path2D.Double line = new Path2D.Double();
            boolean penDown = false;
            for (int i = 0; i < s.x.length; i++) {
                if (!finite(s.x[i], s.y[i])) {
                    penDown = false; // a gap, not a jump: the line restarts at the next good point
                    continue;
                }
                double px = left + (s.x[i] - xr[0]) / (xr[1] - xr[0]) * pw;
                double py = bottom - (s.y[i] - yr[0]) / (yr[1] - yr[0]) * ph;
                if (penDown) {
                    line.lineTo(px, py);
                } else {
                    line.moveTo(px, py);
                }
                penDown = true;
                if (s.x.length <= MARKER_LIMIT) {
                    plot.fill(new Ellipse2D.Double(px - 3, py - 3, 6, 6));
                }
            }
            plot.draw(line);
        }
        plot.dispose();
        if (all.size() > 1) {
            legend(g, all, right, top);
        }
    }

    private static void legend(Graphics2D g, List<Series> all, int right, int top) {
        FontMetrics fm = g.getFontMetrics();
        int rowH = fm.getHeight() + 2, names = 0;
        for (Series s : all) {
            names = Math.max(names, fm.stringWidth(s.name()));
        }
        int boxW = names + 40, boxH = rowH * all.size() + 8, x = right - boxW - 8, y = top + 8;
        g.setColor(new Color(255, 255, 255, 225)); // translucent so a curve under the legend stays visible
        g.fillRect(x, y, boxW, boxH);
        g.setColor(AXIS);
        g.drawRect(x, y, boxW, boxH);
        for (int k = 0; k < all.size(); k++) {
            int cy = y + 4 + rowH * k + rowH / 2;
            g.setColor(PALETTE[k % PALETTE.length]);
            g.setStroke(new BasicStroke(3f));
            g.drawLine(x + 6, cy, x + 26, cy);
            g.setColor(Color.BLACK);
            g.drawString(all.get(k).name(), x + 32, cy + fm.getAscent() / 2 - 1);
        }
    }

    /** Pads a data range by 5%, or widens a flat one so a constant series is drawn mid-plot. */
    static double[] padded(double min, double max) {
        if (min == max) {
            double widen = min == 0 ? 1 : 0.1 * Math.abs(min);
            return new double[] {min - widen, max + widen};
        }
        double pad = 0.05 * (max - min);
        return new double[] {min - pad, max + pad};
    }

    /** Tick values at a 1/2/5 x 10^k step chosen to give close to six ticks across [min, max]. */
    static double[] ticks(double min, double max) {
        double span = max - min;
        if (!(span > 0) || !Double.isFinite(span)) {
            return new double[0];
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(span / 6)));
        double step = magnitude;
        for (double m : new double[] {1, 2, 5, 10}) {
            if (Math.abs(span / (m * magnitude) - 6) < Math.abs(span / step - 6)) {
                step = m * magnitude;
            }
        }
        long first = (long) Math.ceil(min / step - 1e-9), last = (long) Math.floor(max / step + 1e-9);
        List<Double> out = new ArrayList<>();
        // Multiplying the index (rather than adding steps) keeps labels free of accumulated rounding error.
        for (long i = first; i <= last && out.size() < 50; i++) {
            out.add(i * step);
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static double step(double[] ticks) {
        return ticks.length > 1 ? ticks[1] - ticks[0] : 1;
    }

    /** Compact tick label: "0.5", "1.2k", "3e-4"; decimals follow the step so neighbours differ. */
    static String format(double v, double step) {
        double a = Math.abs(v);
        if (a < Math.abs(step) * 1e-6) {
            return "0";
        }
        if (a >= 1e12 || a < 1e-3) {
            int exp = (int) Math.floor(Math.log10(a));
            double scale = Math.pow(10, exp);
            return plain(v / scale, step / scale) + "e" + exp;
        }
        if (a >= 1e9) return plain(v / 1e9, step / 1e9) + "G";
        if (a >= 1e6) return plain(v / 1e6, step / 1e6) + "M";
        if (a >= 1e3) return plain(v / 1e3, step / 1e3) + "k";
        return plain(v, step);
    }

    private static String plain(double v, double step) {
        int decimals = Math.min(10, Math.max(0, (int) Math.ceil(-Math.log10(Math.abs(step)) - 1e-9)));
        String s = String.format(Locale.ROOT, "%." + decimals + "f", v);
        if (s.contains(".")) {
            s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return s.equals("-0") ? "0" : s;
    }

    private static boolean finite(double x, double y) {
        return Double.isFinite(x) && Double.isFinite(y);
    }

    private static void centered(Graphics2D g, String text, int cx, int baseline) {
        g.drawString(text, cx - g.getFontMetrics().stringWidth(text) / 2, baseline);
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
