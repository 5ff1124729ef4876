package org.instructforge.training.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineChartTest {

    @TempDir
    Path dir;

    @Test
    void drawsEverySeriesInItsPaletteColour() throws IOException {
        double[] x = new double[40];
        double[] loss = new double[40];
        double[] accuracy = new double[40];
        for (int i = 0; i < x.length; i++) {
            x[i] = i * 25;
            loss[i] = 3.0 * Math.exp(-i / 10.0);
            accuracy[i] = i / 40.0;
        }
        Path png = dir.resolve("nested/charts/curves.png");
        LineChart.write(
                png,
                "Training",
                "step",
                "value",
                List.of(new LineChart.Series("loss", x, loss), new LineChart.Series("accuracy", x, accuracy)));

        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(720);
        assertThat(image.getHeight()).isEqualTo(400);
        assertThat(count(image, LineChart.PALETTE[0])).isGreaterThan(100);
        assertThat(count(image, LineChart.PALETTE[1])).isGreaterThan(100);
        assertThat(LineChart.PALETTE).hasSizeGreaterThanOrEqualTo(6).doesNotHaveDuplicates();
    }

    @Test
    void nanValuesAndEmptyInputStillWriteReadableCharts() throws IOException {
        Path gaps = dir.resolve("gaps.png");
        LineChart.write(
                gaps, "gaps", "x", "y", List.of(new LineChart.Series("s", new double[] {0, 1, 2, 3, 4}, new double[] {
                    1, Double.NaN, 2, Double.POSITIVE_INFINITY, 3
                })));
        assertThat(ImageIO.read(gaps.toFile())).isNotNull();
        assertThat(count(ImageIO.read(gaps.toFile()), LineChart.PALETTE[0])).isPositive();

        Path empty = dir.resolve("empty.png");
        LineChart.write(empty, "empty", "x", "y", List.of(), 300, 200);
        BufferedImage image = ImageIO.read(empty.toFile());
        assertThat(image.getWidth()).isEqualTo(300);

        Path allNan = dir.resolve("nan.png");
        LineChart.write(allNan, "nan", "x", "y", List.of(new LineChart.Series("s", new double[] {0, 1}, new double[] {
            Double.NaN, Double.NaN
        })));
        assertThat(ImageIO.read(allNan.toFile())).isNotNull();

        Path flat = dir.resolve("flat.png");
        LineChart.write(
                flat, "flat", "x", "y", List.of(new LineChart.Series("s", new double[] {5}, new double[] {0.25})));
        assertThat(ImageIO.read(flat.toFile())).isNotNull();
    }

    @Test
    void mismatchedLengthsAreRejected() {
        assertThatThrownBy(() -> new LineChart.Series("loss", new double[3], new double[2]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("loss")
                .hasMessageContaining("3 x values but 2 y values");
    }

    private static int count(BufferedImage image, Color colour) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == (colour.getRGB() & 0xFFFFFF)) {
                    n++;
                }
            }
        }
        return n;
    }
}
