package dev.rehearsal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rehearsal.AtomicFiles;
import dev.rehearsal.ResultsFolder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command and config file the README shows runs as written. The commands are taken from README.md itself:
 * the lines of its fenced {@code bash} and {@code sh} blocks, the {@code yaml} blocks (config files, each named
 * by its first line and used by a command), and every inline {@code java -jar target/rehearsal.jar ...} span.
 * Every fenced block must be of a kind this test knows, and every command part of a form it has a rule for: what
 * it cannot classify fails it, so a new kind of block or command gets a rule here instead of going unchecked.
 *
 * <p>Commands that take seconds run in a child JVM exactly as written (results in a temporary {@code --out});
 * the long ones ({@code run}, {@code compare}, {@code scale}, {@code sweep}) run with {@code --dry-run}, which
 * resolves and checks everything they would run (each experiment, and what each strategy cannot run with).
 */
class ReadmeCommandsTest {
    private static final String JAR = "java -jar target/rehearsal.jar";
    /** Fenced blocks that are shown, not run: output and file trees. */
    private static final String TEXT = "text";
    /** Commands whose full run takes minutes: checked with --dry-run. */
    private static final Set<String> LONG = Set.of("run", "compare", "scale", "sweep");
    /** Commands that finish in seconds: run as written. */
    private static final Set<String> SHORT = Set.of("profile", "model", "info", "generate-completion");
    /** report --efficiency reads folders and writes nothing: run as written (a plain report rewrites its folder). */
    private static boolean readsOnly(String command, List<String> args) {
        return command.equals("report") && args.contains("--efficiency");
    }
    /** Commands that write a results folder (given a temporary --out). */
    private static final Set<String> WRITING = Set.of("run", "compare", "scale", "profile", "sweep");
    private static final Set<String> MAVEN_PHASES = Set.of("validate", "compile", "test", "package", "verify",
            "install", "clean");
    private static final Pattern FENCE = Pattern.compile("^(\\s*)```(\\S*)\\s*$");
    private static final Pattern YAML_NAME = Pattern.compile("^#\\s*(\\S+\\.ya?ml)\\s*(?:[—-]\\s*(.*))?$");

    /** A fenced block: the line of its opening fence (1-based), its language tag, its lines without the fence's indent. */
    record Block(int line, String lang, String text) {
    }

    /** A command as the README shows it, and where. */
    record Shown(String where, String text) {
    }

    /** What the test found in a README: the commands to run, the config files they use, and what it could not classify. */
    record Found(List<Shown> jar, List<Shown> other, Map<String, String> yaml, List<String> problems) {
    }

    static List<Block> blocks(String md) {
        List<Block> out = new ArrayList<>();
        String[] lines = md.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Matcher open = FENCE.matcher(lines[i]);
            if (!open.matches()) {
                continue;
            }
            String indent = open.group(1);
            StringBuilder text = new StringBuilder();
            int j = i + 1;
            for (; j < lines.length && !lines[j].equals(indent + "```"); j++) {
                String l = lines[j];
                text.append(l.startsWith(indent) ? l.substring(indent.length()) : l.strip()).append('\n');
            }
            out.add(new Block(i + 1, open.group(2), text.toString()));
            i = j;
        }
        return out;
    }

    /** The README with every fenced block blanked out (line numbers kept): the prose and its inline code. */
    static String prose(String md) {
        String[] lines = md.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Matcher open = FENCE.matcher(lines[i]);
            if (open.matches()) {
                String close = open.group(1) + "```";
                int j = i;
                do {
                    lines[j] = "";
                    j++;
                } while (j < lines.length && !lines[j].equals(close));
                if (j < lines.length) {
                    lines[j] = "";
                }
                i = j;
            }
        }
        return String.join("\n", lines);
    }

    /** Reads a README: every command and config file, classified; what cannot be classified is a problem. */
    static Found find(String md) {
        List<Shown> jar = new ArrayList<>();
        List<Shown> other = new ArrayList<>();
        Map<String, String> yaml = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        String pandas = "<!-- readme:pandas-snippet:begin -->\n```python\n";
        for (Block b : blocks(md)) {
            String at = "README.md line " + b.line() + " (" + (b.lang().isEmpty() ? "untagged" : b.lang()) + " block)";
            switch (b.lang()) {
                case "bash", "sh" -> {
                    for (String line : b.text().split("\n")) {
                        String command = line.replaceAll("(^|\\s)#.*$", "").strip();
                        if (command.isEmpty()) {
                            continue;
                        }
                        for (String part : command.split("&&")) {
                            String p = part.strip();
                            (p.startsWith(JAR) ? jar : other).add(new Shown(at, p));
                        }
                    }
                }
                case "yaml" -> {
                    String first = b.text().lines().findFirst().orElse("");
                    Matcher m = YAML_NAME.matcher(first.strip());
                    if (!m.matches()) {
                        problems.add(at + ": a config file's first line names it ('# name.yaml', optionally "
                                + "'— the command that uses it'), got '" + first + "'");
                        continue;
                    }
                    if (yaml.put(m.group(1), b.text()) != null) {
                        problems.add(at + ": a second config file named " + m.group(1));
                    }
                    String command = m.group(2) == null ? "" : m.group(2).strip();
                    if (command.startsWith(JAR)) {
                        jar.add(new Shown(at, command));
                    } else if (!command.isEmpty()) {
                        problems.add(at + ": '" + command + "' is not a '" + JAR + " ...' command");
                    }
                }
                case "python" -> {
                    if (!md.contains(pandas + b.text())) {
                        problems.add(at + ": the only python block this README runs is the pandas snippet "
                                + "(ReadmeSnippetTest): give this one a rule");
                    }
                }
                case TEXT -> {
                    // output or a file tree: shown, not run
                }
                default -> problems.add(at + ": no rule for a block tagged '" + b.lang() + "': tag output and trees "
                        + "'" + TEXT + "', commands 'bash', config files 'yaml'");
            }
        }
        String prose = prose(md);
        Matcher span = Pattern.compile("`([^`]+)`").matcher(prose);
        while (span.find()) {
            String code = span.group(1).replaceAll("\\s+", " ").strip();
            if (code.startsWith(JAR)) {
                int line = 1 + (int) prose.substring(0, span.start()).chars().filter(c -> c == '\n').count();
                jar.add(new Shown("README.md line " + line, code));
            }
        }
        for (String name : yaml.keySet()) {
            if (jar.stream().noneMatch(c -> c.text().contains("--config " + name))) {
                problems.add("config file " + name + ": no command of the README uses it (--config " + name + ")");
            }
        }
        return new Found(jar, other, yaml, problems);
    }

    @Test
    void everyBlockAndCommandOfTheReadmeIsOfAKindThisTestChecks() throws Exception {
        Found found = find(Files.readString(Path.of("README.md")));
        assertEquals(List.of(), found.problems());
        assertTrue(found.jar().size() >= 10 && found.yaml().size() >= 3, "the README's commands were found: "
                + found.jar() + ", " + found.yaml().keySet());
    }

    /** The extraction itself: what it cannot classify, it reports; it finds commands wherever the README has them. */
    @Test
    void whatTheExtractionCannotClassifyIsAProblemNotASkip() {
        String md = """
                Run `java -jar target/rehearsal.jar compare
                  --seeds 1,2` today.

                ```
                an untagged block
                ```

                ```yaml
                strategies: [er]
                ```

                  ```yaml
                  # a.yaml — java -jar target/rehearsal.jar compare --config a.yaml
                  seeds: [1]
                  ```

                ```yaml
                # unused.yaml
                seeds: [2]
                ```

                ```ruby
                puts 1
                ```

                ```bash
                mvn -B verify && java -jar target/rehearsal.jar info   # a comment
                ```
                """;
        Found f = find(md);
        assertEquals(List.of("compare --config a.yaml", "info", "compare --seeds 1,2"),
                f.jar().stream().map(s -> s.text().substring(JAR.length() + 1)).toList());
        assertEquals("README.md line 1", f.jar().get(2).where());
        assertEquals(List.of("mvn -B verify"), f.other().stream().map(Shown::text).toList());
        assertEquals(Set.of("a.yaml", "unused.yaml"), f.yaml().keySet());
        assertEquals(4, f.problems().size(), String.join("\n", f.problems()));
        assertTrue(f.problems().get(0).contains("line 4 (untagged block)"), f.problems().get(0));
        assertTrue(f.problems().get(1).contains("line 8 (yaml block): a config file's first line names it"),
                f.problems().get(1));
        assertTrue(f.problems().get(2).contains("'ruby'"), f.problems().get(2));
        assertTrue(f.problems().get(3).contains("unused.yaml: no command of the README uses it"), f.problems().get(3));
    }

    @Test
    void everyCommandOfTheReadmeRunsAsWritten(@TempDir Path tmp) throws Exception {
        Found found = find(Files.readString(Path.of("README.md")));
        Map<String, Path> files = new LinkedHashMap<>();
        for (Map.Entry<String, String> y : found.yaml().entrySet()) {
            files.put(y.getKey(), Files.writeString(tmp.resolve(y.getKey()), y.getValue()));
        }
        List<String> failures = new ArrayList<>();
        int n = 0;
        for (Shown c : found.jar()) {
            String failure = runJar(c, files, tmp.resolve("run-" + n++));
            if (failure != null) {
                failures.add(c.where() + ": `" + c.text() + "`: " + failure);
            }
        }
        for (Shown c : found.other()) {
            String failure = runOther(c, tmp.resolve("other-" + n++));
            if (failure != null) {
                failures.add(c.where() + ": `" + c.text() + "`: " + failure);
            }
        }
        assertEquals(List.of(), failures, "README commands that do not run as written");
    }

    /**
     * A {@code java -jar target/rehearsal.jar} command: its README config files and folders mapped into
     * {@code work}, then run (short commands, and a resume of a prepared unfinished folder) or dry-run (long
     * commands). Returns why it failed, or null.
     */
    private static String runJar(Shown c, Map<String, Path> files, Path work) throws Exception {
        Files.createDirectories(work);
        List<String> args = new ArrayList<>(Arrays.asList(c.text().substring(JAR.length()).strip().split(" ")));
        if (args.isEmpty() || args.get(0).isEmpty()) {
            return "no command";
        }
        String command = args.get(0);
        boolean resume = false;
        boolean out = false;
        for (int i = 1; i < args.size(); i++) {
            String a = args.get(i);
            if (a.contains("\"") || a.contains("'")) {
                return "quoted arguments have no rule here";
            }
            if (i + 1 < args.size() && a.equals("--config") && files.containsKey(args.get(i + 1))) {
                args.set(i + 1, files.get(args.get(i + 1)).toString());
            } else if (i + 1 < args.size() && a.equals("--out")) {
                args.set(i + 1, work.resolve("out").toString()); // never the README's folder (docs/results/...)
                out = true;
            } else if (i + 1 < args.size() && a.equals("--resume")) {
                args.set(i + 1, unfinished(command, work.resolve("resume")).toString());
                resume = true;
            }
        }
        if (!out && !resume && WRITING.contains(command)) {
            args.addAll(List.of("--out", work.resolve("out").toString()));
        }
        if (resume || SHORT.contains(command) || readsOnly(command, args)) {
            System.out.println(c.where() + ": run " + String.join(" ", args));
            ChildCli r = ChildCli.runAsWritten(null, args.toArray(String[]::new)); // in the repository, as a user
            return r.exitCode() == 0 ? null : "exit " + r.exitCode() + ": " + r.err().strip();
        }
        if (!LONG.contains(command)) {
            return "no rule for command '" + command + "': add it to SHORT (run) or LONG (dry-run) in this test";
        }
        if (!args.contains("--dry-run")) {
            args.add("--dry-run");
        }
        System.out.println(c.where() + ": dry-run " + String.join(" ", args));
        ByteArrayOutputStream so = new ByteArrayOutputStream();
        ByteArrayOutputStream se = new ByteArrayOutputStream();
        int code = Main.run(args.toArray(String[]::new), new PrintStream(so, true, StandardCharsets.UTF_8),
                new PrintStream(se, true, StandardCharsets.UTF_8));
        if (code != 0) {
            return "--dry-run exit " + code + ": " + se.toString(StandardCharsets.UTF_8).strip();
        }
        if (Files.exists(work.resolve("out"))) {
            return "--dry-run wrote " + work.resolve("out");
        }
        return null;
    }

    /**
     * An unfinished folder of {@code command} to resume: a tiny finished run's config.json in a folder of that
     * command that never got further (as an interrupted run leaves it).
     */
    @SuppressWarnings("try") // an open ResultsFolder is a scope (it holds the lock): its variable is never read
    private static Path unfinished(String command, Path dir) throws IOException {
        Path done = dir.resolveSibling("finished");
        List<String> tiny = new ArrayList<>(List.of(command, "--train-limit", "200", "--test-limit", "100",
                "--epochs", "1", "--quiet", "--out", done.toString()));
        tiny.addAll(command.equals("compare") ? List.of("--strategies", "naive", "--seeds", "1")
                : List.of("--strategy", "naive"));
        Cli first = Cli.run(tiny.toArray(String[]::new));
        assertEquals(0, first.exitCode(), first.err());
        try (ResultsFolder f = ResultsFolder.open(dir, command, ResultsFolder.Mode.NEW)) {
            AtomicFiles.write(dir.resolve("config.json"), Files.readAllBytes(done.resolve("config.json")));
        }
        return dir;
    }

    /** A command that is not Rehearsal's: Maven, a script of the repository, or sourcing the completion script. */
    private static String runOther(Shown c, Path work) throws Exception {
        List<String> words = List.of(c.text().split("\\s+"));
        String program = words.get(0);
        if (program.equals("mvn")) {
            for (String w : words.subList(1, words.size())) {
                if (!w.equals("-B") && !w.equals("-DskipTests") && !MAVEN_PHASES.contains(w)) {
                    return "'" + w + "' is neither -B, -DskipTests nor a Maven phase of " + MAVEN_PHASES;
                }
            }
            return null;
        }
        Matcher completion = Pattern.compile("source <\\(rehearsal (.+)\\)").matcher(c.text());
        if (completion.matches()) {
            Files.createDirectories(work);
            ChildCli r = ChildCli.runAsWritten(work, completion.group(1).split(" "));
            if (r.exitCode() != 0) {
                return "rehearsal " + completion.group(1) + ": exit " + r.exitCode() + ": " + r.err().strip();
            }
            Path script = Files.writeString(work.resolve("completion.sh"), r.out());
            return shell(work, "bash", "-c", "source " + script);
        }
        if (words.size() == 1 && program.endsWith(".sh") && !program.startsWith("/")) {
            Path script = Path.of(program);
            if (!Files.isRegularFile(script) || !Files.isExecutable(script)) {
                return program + " is not an executable file of the repository";
            }
            return shell(work, "bash", "-n", script.toString()); // a fetch: checked, not run (the data is there)
        }
        return "no rule for this command: add one to ReadmeCommandsTest";
    }

    private static String shell(Path work, String... cmd) throws Exception {
        Files.createDirectories(work);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return String.join(" ", cmd) + " did not finish in 60 s";
        }
        return p.exitValue() == 0 ? null : String.join(" ", cmd) + ": exit " + p.exitValue() + ": " + out.strip();
    }
}
