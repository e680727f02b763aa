package org.dimba4j.bench.hybrid;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The benchmark's figure, drawn with Java2D: two log-log panels against the token count, images/s and peak memory
 * (RSS growth) per forward; one line per (width, variant), hybrid orange, attention blue, width L dashed.
 */
final class LogLogPlot {
    private static final int PANEL_W = 560, PANEL_H = 420, MARGIN_L = 80, MARGIN_R = 20, MARGIN_T = 50, MARGIN_B = 60;
    private static final Color HYBRID = new Color(0xE6, 0x7E, 0x22), ATTENTION = new Color(0x2E, 0x6F, 0xD8);

    private LogLogPlot() {}

    static void write(Path file, List<Report.Row> rows) {
        BufferedImage img = new BufferedImage(2 * PANEL_W, PANEL_H + 40, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        panel(g, 0, rows, "images / s (batch 1, one forward)", Report.Row::imagesPerSecond);
        panel(g, PANEL_W, rows, "peak memory per forward, MB (RSS growth)", r -> r.rssGrowth() / (1024.0 * 1024.0));
        legend(g, rows);
        g.dispose();
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            if (!ImageIO.write(img, "png", file.toFile())) throw new IOException("no PNG writer");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static void panel(Graphics2D g, int x0, List<Report.Row> rows, String title, ToDoubleFunction<Report.Row> y) {
        double xMin = rows.stream().mapToDouble(Report.Row::tokens).min().orElse(1);
        double xMax = rows.stream().mapToDouble(Report.Row::tokens).max().orElse(10);
        double yMin = rows.stream().mapToDouble(y).filter(v -> v > 0).min().orElse(1);
        double yMax = rows.stream().mapToDouble(y).max().orElse(10);
        // whole decades around the data
        double lx0 = Math.log10(xMin) - 0.15, lx1 = Math.log10(xMax) + 0.15;
        double ly0 = Math.floor(Math.log10(yMin)), ly1 = Math.ceil(Math.log10(yMax));
        if (ly1 <= ly0) ly1 = ly0 + 1;
        int left = x0 + MARGIN_L, right = x0 + PANEL_W - MARGIN_R, top = MARGIN_T, bottom = PANEL_H - MARGIN_B + 20;
        Axis ax = new Axis(lx0, lx1, ly0, ly1, left, right, top, bottom);

        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.setColor(Color.BLACK);
        g.drawString(title, left, top - 18);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int e = (int) ly0; e <= (int) ly1; e++) {
            for (int m = 1; m < 10 && e + Math.log10(m) <= ly1; m++) {
                int py = ax.py(e + Math.log10(m));
                g.setColor(m == 1 ? new Color(200, 200, 200) : new Color(235, 235, 235));
                g.drawLine(left, py, right, py);
                if (m == 1) {
                    g.setColor(Color.DARK_GRAY);
                    String label = e >= 0 ? String.format(Locale.ROOT, "%.0f", Math.pow(10, e)) : String.format(Locale.ROOT, "%s", Math.pow(10, e));
                    g.drawString(label, left - 8 - g.getFontMetrics().stringWidth(label), py + 4);
                }
            }
        }
        rows.stream().mapToInt(Report.Row::tokens).distinct().sorted().forEach(t -> {
            int px = ax.px(Math.log10(t));
            g.setColor(new Color(220, 220, 220));
            g.drawLine(px, top, px, bottom);
            g.setColor(Color.DARK_GRAY);
            String label = Integer.toString(t);
            g.drawString(label, px - g.getFontMetrics().stringWidth(label) / 2, bottom + 16);
        });
        g.setColor(Color.BLACK);
        g.drawRect(left, top, right - left, bottom - top);
        g.drawString("image tokens (log scale)", (left + right) / 2 - 60, bottom + 34);

        for (String width : rows.stream().map(Report.Row::width).distinct().toList()) {
            for (Variant v : Variant.values()) {
                List<Report.Row> s = rows.stream().filter(r -> r.width().equals(width) && r.variant().equals(v.label))
                        .sorted((a, b) -> Integer.compare(a.tokens(), b.tokens())).toList();
                g.setColor(v == Variant.HYBRID ? HYBRID : ATTENTION);
                g.setStroke(width.equals("S") ? new BasicStroke(2.5f)
                        : new BasicStroke(2.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {8f, 6f}, 0f));
                for (int i = 0; i < s.size(); i++) {
                    int px = ax.px(Math.log10(s.get(i).tokens())), py = ax.py(Math.log10(y.applyAsDouble(s.get(i))));
                    g.fillOval(px - 4, py - 4, 8, 8);
                    if (i > 0) {
                        g.drawLine(ax.px(Math.log10(s.get(i - 1).tokens())), ax.py(Math.log10(y.applyAsDouble(s.get(i - 1)))), px, py);
                    }
                }
            }
        }
        g.setStroke(new BasicStroke(1f));
    }

    private static void legend(Graphics2D g, List<Report.Row> rows) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        int x = MARGIN_L, y = PANEL_H + 22;
        for (String width : rows.stream().map(Report.Row::width).distinct().toList()) {
            Report.Row any = rows.stream().filter(r -> r.width().equals(width)).findFirst().orElseThrow();
            for (Variant v : Variant.values()) {
                g.setColor(v == Variant.HYBRID ? HYBRID : ATTENTION);
                g.setStroke(width.equals("S") ? new BasicStroke(2.5f)
                        : new BasicStroke(2.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {8f, 6f}, 0f));
                g.drawLine(x, y - 5, x + 30, y - 5);
                g.setColor(Color.BLACK);
                String label = String.format(Locale.ROOT, "%s %s (hidden %d, depth %d)", width, v.label, any.hidden(), any.depth());
                g.drawString(label, x + 36, y);
                x += 46 + g.getFontMetrics().stringWidth(label);
            }
        }
        g.setStroke(new BasicStroke(1f));
    }

    /** Log-space data coordinates to pixels. */
    private record Axis(double lx0, double lx1, double ly0, double ly1, int left, int right, int top, int bottom) {
        int px(double lx) {
            return (int) Math.round(left + (lx - lx0) / (lx1 - lx0) * (right - left));
        }

        int py(double ly) {
            return (int) Math.round(bottom - (ly - ly0) / (ly1 - ly0) * (bottom - top));
        }
    }
}
