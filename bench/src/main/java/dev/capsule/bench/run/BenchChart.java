package dev.capsule.bench.run;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * The chart of a run (PNG, drawn headless): decode throughput per case in decoded GB/s (log scale)
 * for the wasm path, the plain-Java decoder and memcpy; and scan throughput in million rows/s per reader and
 * thread count.
 */
final class BenchChart {
  private static final int WIDTH = 1100;
  private static final int DECODE_HEIGHT = 760;
  private static final int SCAN_HEIGHT = 420;

  private BenchChart() {}

  static void write(BenchReport report, Path file) throws IOException {
    System.setProperty("java.awt.headless", "true");
    int height = (report.decode().isEmpty() ? 0 : DECODE_HEIGHT) + (report.scan().isEmpty() ? 0 : SCAN_HEIGHT);
    BufferedImage image = new BufferedImage(WIDTH, Math.max(height, 1), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, image.getWidth(), image.getHeight());
      int y = 0;
      if (!report.decode().isEmpty()) {
        decodeChart(report).draw(g, new Rectangle2D.Double(0, y, WIDTH, DECODE_HEIGHT));
        y += DECODE_HEIGHT;
      }
      if (!report.scan().isEmpty()) {
        scanChart(report).draw(g, new Rectangle2D.Double(0, y, WIDTH, SCAN_HEIGHT));
      }
    } finally {
      g.dispose();
    }
    ImageIO.write(image, "png", file.toFile());
  }

  private static JFreeChart decodeChart(BenchReport report) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    List<BenchResult> decode = report.decode();
    for (String c : BenchReport.distinct(decode, "column")) {
      for (String method : List.of("wasm", "java", "memcpy")) {
        double rate = BenchReport.rate(BenchReport.find(decode, "column", c, method), "bytes");
        if (!Double.isNaN(rate)) {
          data.addValue(rate / 1e9, method, c);
        }
      }
    }
    JFreeChart chart = ChartFactory.createBarChart(
        "Decode into Arrow, one thread (decoded GB/s, log scale; higher is better)",
        "type/encoding", "GB/s", data, PlotOrientation.HORIZONTAL, true, false, false);
    // Zero-copy plain runs at hundreds of GB/s and Parquet strings below 1: on a linear axis every
    // other bar would be a sliver.
    LogAxis axis = new LogAxis("GB/s (log scale)");
    axis.setTickUnit(new NumberTickUnit(1)); // a label at every power of ten, as a plain number
    axis.setNumberFormatOverride(new DecimalFormat("#,##0.##", DecimalFormatSymbols.getInstance(Locale.ROOT)));
    axis.setSmallestValue(0.01);
    chart.getCategoryPlot().setRangeAxis(axis);
    return chart;
  }

  private static JFreeChart scanChart(BenchReport report) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    List<BenchResult> scan = report.scan();
    for (String columns : BenchReport.distinct(scan, "columns")) {
      for (String reader : BenchReport.distinct(scan, "reader")) {
        for (String threads : BenchReport.distinct(scan, "threads")) {
          double rate = report.scanRate(reader, columns, threads);
          if (!Double.isNaN(rate)) {
            data.addValue(rate / 1e6, threads.equals("all") ? "all cores" : threads + " thread", reader + " / " + columns);
          }
        }
      }
    }
    return ChartFactory.createBarChart("Scan TPC-H lineitem SF " + scan.get(0).param("scale")
            + " into Arrow (million rows/s; higher is better)",
        "reader / columns", "M rows/s", data, PlotOrientation.HORIZONTAL, true, false, false);
  }
}
