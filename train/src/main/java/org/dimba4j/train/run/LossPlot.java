package org.dimba4j.train.run;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * {@code RUN/loss.png}: the loss per step (light) and its smoothed value (dark) against the step, drawn with Java2D
 * in headless mode, written atomically.
 */
public final class LossPlot {
    public static final String FILE = "loss.png";
    static final int WIDTH = 800, HEIGHT = 400, LEFT = 70, RIGHT = 20, TOP = 30, BOTTOM = 40;

    private LossPlot() {}

    public static void write(Path file, List<LossLog.Row> rows) {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = draw(rows);
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            if (!ImageIO.write(img, "png", tmp.toFile())) throw new IOException("no PNG writer in this JDK");
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    static BufferedImage draw(List<LossLog.Row> rows) {
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            int pw = WIDTH - LEFT - RIGHT, ph = HEIGHT - TOP - BOTTOM;
            g.setColor(Color.GRAY);
            g.drawRect(LEFT, TOP, pw, ph);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.setColor(Color.BLACK);
            g.drawString("loss (light: per step, dark: smoothed)", LEFT, TOP - 10);
            if (rows.isEmpty()) return img;
            int s0 = rows.getFirst().step(), s1 = Math.max(rows.getLast().step(), s0 + 1);
            double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
            for (LossLog.Row r : rows) {
                lo = Math.min(lo, Math.min(r.loss(), r.smoothedLoss()));
                hi = Math.max(hi, Math.max(r.loss(), r.smoothedLoss()));
            }
            if (!(hi > lo)) {
                hi = lo + 1e-6;
            }
            g.drawString(String.format("%.4g", hi), 4, TOP + 5);
            g.drawString(String.format("%.4g", lo), 4, TOP + ph);
            g.drawString("step " + s0, LEFT, HEIGHT - 15);
            String end = "step " + s1;
            g.drawString(end, WIDTH - RIGHT - g.getFontMetrics().stringWidth(end), HEIGHT - 15);
            Path2D raw = new Path2D.Double(), smooth = new Path2D.Double();
            for (int i = 0; i < rows.size(); i++) {
                LossLog.Row r = rows.get(i);
                double x = LEFT + pw * (r.step() - s0) / (double) (s1 - s0);
                double yr = TOP + ph * (hi - r.loss()) / (hi - lo), ys = TOP + ph * (hi - r.smoothedLoss()) / (hi - lo);
                if (i == 0) {
                    raw.moveTo(x, yr);
                    smooth.moveTo(x, ys);
                } else {
                    raw.lineTo(x, yr);
                    smooth.lineTo(x, ys);
                }
            }
            g.setStroke(new BasicStroke(1f));
            g.setColor(new Color(150, 180, 230));
            g.draw(raw);
            g.setStroke(new BasicStroke(2f));
            g.setColor(new Color(20, 60, 160));
            g.draw(smooth);
        } finally {
            g.dispose();
        }
        return img;
    }
}
