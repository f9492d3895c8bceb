package io.keywarden.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Reads what {@code bench/run} wrote to a results directory ({@code jmh.json}, {@code http.tsv},
 * {@code http-notes.txt}, {@code scale.tsv}, {@code startup.txt}) and writes {@code summary.md}
 * (goals next to measured figures, then every table) and {@code summary.png} (median requests per
 * second and p99 latency per HTTP case). Missing inputs leave their rows as "not measured".
 *
 * <p>Usage: {@code Report RESULTS_DIR MODE COMMAND}.
 */
public final class Report {
  private static final String[] CASES = {"nginx-static", "keywarden-verify", "nginx-proxy",
      "keywarden-gw-open", "keywarden-gw-full", "scg"};

  private final Path dir;
  private final Map<String, Double> jmh = new LinkedHashMap<>();
  private final Map<String, Double> jmhError = new LinkedHashMap<>();
  /** Per case, the runs in order: req/s, p50, p99, CPU s, req per CPU-s, steal %, non-2xx. */
  private final Map<String, List<double[]>> http = new LinkedHashMap<>();
  private final List<String[]> scale = new ArrayList<>();
  private final StringBuilder md = new StringBuilder();

  private Report(Path dir) {
    this.dir = dir;
  }

  /** Entry point; see the class comment. */
  public static void main(String[] args) throws Exception {
    Report r = new Report(Path.of(args[0]));
    r.read();
    r.write(args.length > 1 ? args[1] : "full", args.length > 2 ? args[2] : "bench/run");
  }

  private void read() throws IOException {
    Path j = dir.resolve("jmh.json");
    if (Files.exists(j) && Files.size(j) > 0) {
      for (JsonNode b : new ObjectMapper().readTree(j.toFile())) {
        String name = b.get("benchmark").asText();
        name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
        jmh.put(name, b.get("primaryMetric").get("score").asDouble());
        jmhError.put(name, b.get("primaryMetric").get("scoreError").asDouble());
      }
    }
    Path h = dir.resolve("http.tsv");
    if (Files.exists(h)) {
      for (String line : Files.readAllLines(h)) {
        String[] f = line.split("\t");
        if (f.length < 8) {
          continue;
        }
        double[] v = new double[7];
        for (int i = 0; i < 7; i++) {
          v[i] = Double.parseDouble(f[i + 1]);
        }
        http.computeIfAbsent(f[0], k -> new ArrayList<>()).add(v);
      }
    }
    Path s = dir.resolve("scale.tsv");
    if (Files.exists(s)) {
      for (String line : Files.readAllLines(s)) {
        String[] f = line.split("\t", -1);
        if (f.length >= 5) {
          scale.add(f);
        }
      }
    }
  }

  // ---- figures ----

  private static double median(List<Double> xs) {
    if (xs.isEmpty()) {
      return Double.NaN;
    }
    double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
  }

  private double medianOf(String c, int field) {
    List<double[]> runs = http.getOrDefault(c, List.of());
    return median(runs.stream().map(r -> r[field]).toList());
  }

  /** Per-round ratios b/a of one field; rounds pair the i-th run of each case. */
  private List<Double> ratios(String a, String b, int field) {
    List<double[]> ra = http.getOrDefault(a, List.of());
    List<double[]> rb = http.getOrDefault(b, List.of());
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < Math.min(ra.size(), rb.size()); i++) {
      if (ra.get(i)[field] > 0) {
        out.add(rb.get(i)[field] / ra.get(i)[field]);
      }
    }
    return out;
  }

  private Double scaleValue(String store, String metric) {
    for (String[] f : scale) {
      if (f[0].equals(store) && f[1].equals(metric)) {
        return Double.parseDouble(f[2]);
      }
    }
    return null;
  }

  private static String fmt(double v, int decimals) {
    if (Double.isNaN(v)) {
      return "–";
    }
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  private static String spread(List<Double> xs) {
    if (xs.isEmpty()) {
      return "";
    }
    double lo = xs.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    double hi = xs.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    return " (" + fmt(lo, 2) + "–" + fmt(hi, 2) + ", " + xs.size() + " rounds)";
  }

  // ---- output ----

  private void goal(String area, String goal, String measured, Boolean met) {
    md.append("| ").append(area).append(" | ").append(goal).append(" | ").append(measured)
        .append(" | ").append(met == null ? "not measured" : met ? "**yes**" : "**no**").append(" |\n");
  }

  private void write(String mode, String command) throws Exception {
    String machine = Files.exists(dir.resolve("machine.txt"))
        ? Files.readString(dir.resolve("machine.txt")).strip() : "";
    md.append("# Benchmark summary (").append(mode).append(" run)\n\n")
        .append(machine).append("\n\nCommand: `").append(command).append("`. Absolute figures on this")
        .append(" shared 2-core machine move by up to 2× between minutes; compare the ratios, which")
        .append(" are computed per round in the same run.\n\n");
    if (mode.equals("quick")) {
      md.append("**Quick mode: a smoke run** (warm-ups of a second or two, one round, fewer keys). Its figures,"
          + " the JVMs' above all, are far from steady state: the goal column below is not a verdict."
          + " Use the full run (`bench/run`) for published figures.\n\n");
    }
    writeGoals();
    writeJmh();
    writeHttp();
    writeScale();
    if (Files.exists(dir.resolve("startup.txt"))) {
      md.append("\n## Start to ready\n\n").append(Files.readString(dir.resolve("startup.txt")).strip()).append("\n");
    }
    Files.writeString(dir.resolve("summary.md"), md);
    chart(dir.resolve("summary.png"));
    System.out.print(md);
  }

  private void writeGoals() throws IOException {
    md.append("## Goals\n\n| area | goal | measured | met? |\n|---|---|---|---|\n");
    Double verify = jmh.get("VerifyBenchmark.verifyCachedValidKey");
    Double hmac = jmh.get("VerifyBenchmark.hmacSha256");
    Double bad = jmh.get("VerifyBenchmark.rejectBadChecksum");
    Double rl = jmh.get("RateLimitBenchmark.onePolicy");
    if (verify != null && hmac != null) {
      goal("foundation", "cached verify ≤ 2× raw HMAC-SHA256",
          fmt(verify, 0) + " ns vs " + fmt(hmac, 0) + " ns: " + fmt(verify / hmac, 2) + "×", verify / hmac <= 2);
    } else {
      goal("foundation", "cached verify ≤ 2× raw HMAC-SHA256", "–", null);
    }
    goal("foundation", "bad checksum rejected ≤ 100 ns", bad == null ? "–" : fmt(bad, 0) + " ns",
        bad == null ? null : bad <= 100);
    Path st = dir.resolve("startup-median-ms.txt");
    if (Files.exists(st)) {
      double ms = Double.parseDouble(Files.readString(st).strip());
      goal("foundation", "start to ready ≤ 2 s", fmt(ms, 0) + " ms (median)", ms <= 2000);
    } else {
      goal("foundation", "start to ready ≤ 2 s", "–", null);
    }
    httpGoal("server", "verify API ≥ 0.5× nginx static 200 (req/s)", "nginx-static", "keywarden-verify", 0, 0.5, true);
    httpGoal("gateway", "every check ≥ 1.0× nginx proxy_pass (req/s)", "nginx-proxy", "keywarden-gw-full", 0, 1.0, true);
    httpGoal("gateway", "every check p99 ≤ 1.5× nginx proxy_pass", "nginx-proxy", "keywarden-gw-full", 2, 1.5, false);
    List<Double> cost = ratios("keywarden-gw-open", "keywarden-gw-full", 0);
    if (cost.isEmpty()) {
      goal("gateway", "checks cost ≤ 10 % (every check vs none, req/s)", "–", null);
    } else {
      double c = 1 - median(cost);
      goal("gateway", "checks cost ≤ 10 % (every check vs none, req/s)",
          fmt(100 * c, 0) + " % (median of " + cost.size() + " rounds)", c <= 0.10);
    }
    goal("rate limits", "local check, one policy ≤ 100 ns", rl == null ? "–" : fmt(rl, 0) + " ns", rl == null ? null : rl <= 100);
    Path redis = dir.resolve("redis.txt");
    String trips = Files.exists(redis) ? Files.readString(redis).strip() : "";
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9.]+) round trips per check").matcher(trips);
    if (m.find()) {
      double t = Double.parseDouble(m.group(1));
      goal("rate limits", "Redis backend: one round trip per request",
          m.group(1) + " round trips per check, counted by Redis (RedisLimiterBenchmark, 1 policy)", t <= 1.0005);
    } else {
      goal("rate limits", "Redis backend: one round trip per request",
          "not measured in this run (full mode with a Redis on 127.0.0.1:6379)", null);
    }
    httpGoal("performance", "gateway ≥ 4× Spring Cloud Gateway (req/s)", "scg", "keywarden-gw-full", 0, 4.0, true);
    httpGoal("performance", "gateway ≥ 4× Spring Cloud Gateway (req per CPU-second)", "scg", "keywarden-gw-full", 4, 4.0, true);
    for (String store : List.of("sqlite", "postgresql")) {
      Double mem = scaleValue(store, "memory_per_cached_key");
      if (mem != null) {
        goal("performance", "≤ 300 B per cached key (" + store + ")", fmt(mem, 0) + " B", mem <= 300);
      }
      Double q = scaleValue(store, "flood_bad_checksum_store_queries");
      if (q != null) {
        goal("performance", "zero store queries for bad checksums (" + store + ")", fmt(q, 0) + " queries", q == 0);
      }
      Double qs = scaleValue(store, "flood_unknown_distinct_queries_per_second");
      if (qs != null) {
        md.append("| performance | (store layer alone, no per-client limit: ").append(store)
            .append(") | ").append(fmt(qs, 0)).append(" queries/s during a flood of distinct well-formed unknown keys:"
                + " one query per distinct key, repeats answered by the negative cache | context for the row below |\n");
      }
    }
    Double hb = scaleValue("postgresql-http", "flood_bad_store_queries");
    if (hb != null) {
      goal("performance", "zero store queries for bad checksums (through the gateway, PostgreSQL)",
          fmt(hb, 0) + " queries", hb == 0);
    }
    Double hu = scaleValue("postgresql-http", "flood_unknown_queries_per_second");
    Double hq = scaleValue("postgresql-http", "flood_unknown_store_queries");
    if (hu != null) {
      goal("performance", "a bounded handful of store queries per second for unknown keys (through the gateway, PostgreSQL)",
          fmt(hu, 1) + " queries/s (" + fmt(hq, 0) + " in the flood; the failed-authentication budget, 60 per minute"
              + " per client IP, then refuses before lookup)", hu <= 20);
    } else {
      goal("performance", "a bounded handful of store queries per second for unknown keys (through the gateway)",
          "not run (full mode with PostgreSQL: bench/http/flood.sh)", null);
    }
    if (scale.isEmpty()) {
      goal("performance", "≤ 300 B per cached key", "–", null);
    }
    md.append('\n');
  }

  private void httpGoal(String area, String goal, String a, String b, int field, double bound, boolean atLeast) {
    List<Double> r = ratios(a, b, field);
    if (r.isEmpty()) {
      goal(area, goal, "–", null);
      return;
    }
    double m = median(r);
    goal(area, goal, fmt(m, 2) + "×" + spread(r), atLeast ? m >= bound : m <= bound);
  }

  private void writeJmh() {
    if (jmh.isEmpty()) {
      return;
    }
    md.append("## In process (JMH, single thread, average time)\n\n| benchmark | ns/op | ± |\n|---|---|---|\n");
    jmh.forEach((k, v) -> md.append("| `").append(k).append("` | ").append(fmt(v, 1)).append(" | ")
        .append(fmt(jmhError.get(k), 1)).append(" |\n"));
    md.append('\n');
  }

  private void writeHttp() throws IOException {
    if (http.isEmpty()) {
      return;
    }
    md.append("## HTTP (wrk -t1 -c32, alternating rounds; medians over rounds)\n\n")
        .append("| case | req/s | p50 ms | p99 ms | req per CPU-second | steal % (max) | non-2xx |\n|---|---|---|---|---|---|---|\n");
    for (String c : CASES) {
      List<double[]> runs = http.get(c);
      if (runs == null) {
        continue;
      }
      double steal = runs.stream().mapToDouble(r -> r[5]).max().orElse(0);
      double non2xx = runs.stream().mapToDouble(r -> r[6]).sum();
      md.append("| ").append(c).append(" | ").append(fmt(medianOf(c, 0), 0)).append(" | ")
          .append(fmt(medianOf(c, 1), 2)).append(" | ").append(fmt(medianOf(c, 2), 2)).append(" | ")
          .append(fmt(medianOf(c, 4), 0)).append(" | ").append(fmt(steal, 1)).append(" | ")
          .append(fmt(non2xx, 0)).append(" |\n");
    }
    md.append("\n| comparison (per round, then median) | req/s | req per CPU-second | p99 |\n|---|---|---|---|\n");
    String[][] pairs = {{"nginx-static", "keywarden-verify"}, {"nginx-proxy", "keywarden-gw-full"},
        {"nginx-proxy", "keywarden-gw-open"}, {"keywarden-gw-open", "keywarden-gw-full"},
        {"scg", "keywarden-gw-full"}, {"nginx-proxy", "scg"}};
    for (String[] p : pairs) {
      List<Double> r = ratios(p[0], p[1], 0);
      if (r.isEmpty()) {
        continue;
      }
      List<Double> e = ratios(p[0], p[1], 4);
      List<Double> l = ratios(p[0], p[1], 2);
      md.append("| ").append(p[1]).append(" / ").append(p[0]).append(" | ").append(fmt(median(r), 2))
          .append(spread(r)).append(" | ").append(fmt(median(e), 2)).append(" | ").append(fmt(median(l), 2)).append(" |\n");
    }
    md.append("\nEach round ran every case once, in the order of the first table; a ratio compares the two cases"
        + " of one round, so both saw the same neighbours.\n");
    Path notes = dir.resolve("http-notes.txt");
    if (Files.exists(notes)) {
      md.append("\n```\n").append(Files.readString(notes).strip()).append("\n```\n");
    }
    md.append("\nPer run:\n\n| case | round | req/s | p50 ms | p99 ms | CPU s | req per CPU-s | steal % |\n|---|---|---|---|---|---|---|---|\n");
    for (String c : CASES) {
      List<double[]> runs = http.get(c);
      for (int i = 0; runs != null && i < runs.size(); i++) {
        double[] r = runs.get(i);
        md.append("| ").append(c).append(" | ").append(i + 1).append(" | ").append(fmt(r[0], 0)).append(" | ")
            .append(fmt(r[1], 2)).append(" | ").append(fmt(r[2], 2)).append(" | ").append(fmt(r[3], 2))
            .append(" | ").append(fmt(r[4], 0)).append(" | ").append(fmt(r[5], 1)).append(" |\n");
      }
    }
    md.append('\n');
  }

  private void writeScale() {
    if (scale.isEmpty()) {
      return;
    }
    md.append("## Scale\n\n| store | measure | value | unit | how |\n|---|---|---|---|---|\n");
    for (String[] f : scale) {
      md.append("| ").append(f[0]).append(" | ").append(f[1]).append(" | ").append(f[2]).append(" | ")
          .append(f[3]).append(" | ").append(f[4]).append(" |\n");
    }
    md.append('\n');
  }

  /** Two bar panels: median req/s and median p99 per HTTP case. */
  private void chart(Path out) throws IOException {
    List<String> cases = Arrays.stream(CASES).filter(http::containsKey).toList();
    int w = 1000;
    int h = 460;
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, w, h);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    g.drawString("HTTP cases, medians over alternating rounds (wrk -t1 -c32); same machine, same run", 20, 24);
    if (cases.isEmpty()) {
      g.drawString("no HTTP results", 20, 60);
    } else {
      panel(g, cases, 0, "requests per second", 20, 50, w / 2 - 30, h - 70, "%.0f");
      panel(g, cases, 2, "p99 latency (ms)", w / 2 + 10, 50, w / 2 - 30, h - 70, "%.2f");
    }
    g.dispose();
    ImageIO.write(img, "png", out.toFile());
  }

  private void panel(Graphics2D g, List<String> cases, int field, String title, int x, int y, int pw, int ph,
      String format) {
    Color[] colors = {new Color(0x4C72B0), new Color(0xDD8452), new Color(0x55A868), new Color(0xC44E52),
        new Color(0x8172B3), new Color(0x937860)};
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
    g.setColor(Color.BLACK);
    g.drawString(title, x, y + 12);
    int top = y + 30;
    int bottom = y + ph - 90;
    double max = cases.stream().mapToDouble(c -> medianOf(c, field)).filter(v -> !Double.isNaN(v)).max().orElse(1);
    if (max <= 0) {
      max = 1;
    }
    int slot = pw / cases.size();
    int bw = Math.max(10, slot - 16);
    g.setStroke(new BasicStroke(1));
    g.drawLine(x, bottom, x + pw, bottom);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    for (int i = 0; i < cases.size(); i++) {
      String c = cases.get(i);
      double v = medianOf(c, field);
      int bh = Double.isNaN(v) ? 0 : (int) ((bottom - top) * v / max);
      int bx = x + i * slot + 8;
      g.setColor(colors[Arrays.asList(CASES).indexOf(c) % colors.length]);
      g.fillRect(bx, bottom - bh, bw, bh);
      g.setColor(Color.BLACK);
      String label = String.format(Locale.ROOT, format, v);
      g.drawString(label, bx + (bw - g.getFontMetrics().stringWidth(label)) / 2, bottom - bh - 4);
      // Case name, rotated under the bar.
      Graphics2D r = (Graphics2D) g.create();
      r.translate(bx + bw / 2 + 4, bottom + 8);
      r.rotate(Math.toRadians(40));
      r.drawString(c, 0, 0);
      r.dispose();
    }
  }
}
