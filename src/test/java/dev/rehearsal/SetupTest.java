package dev.rehearsal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * What a new machine needs, said up front: the README's Requirements name every tool of the one list the build
 * checks (scripts/check-tools.sh), the build runs that check in Maven's first phase, a missing tool is one line
 * naming it and its Debian package, and the tests' temporary files stay where the build checks they are removed
 * (every child JVM a test starts gets the tests' java.io.tmpdir).
 */
class SetupTest {
    private static final Path SCRIPT = Path.of("scripts/check-tools.sh");
    /** A row of the script's list: scope | what | needed by | Debian packages | check. */
    private static final Pattern ROW = Pattern.compile("^\\s*\"(build|tests)\\|([^|]+)\\|([^|]+)\\|([^|]+)\\|.*\"$");

    /** The tools the script checks: what each is, and its Debian packages. */
    static Map<String, String> tools() throws IOException {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (String line : Files.readAllLines(SCRIPT)) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                out.put(m.group(2), m.group(4));
            }
        }
        return out;
    }

    @Test
    void theRequirementsNameEveryToolTheBuildChecks() throws Exception {
        Map<String, String> tools = tools();
        assertTrue(tools.keySet().containsAll(List.of("g++", "python3", "python3 with pandas and matplotlib",
                "GNU tar")), "the script's list: " + tools);
        String readme = Files.readString(Path.of("README.md"));
        int at = readme.indexOf("\nRequirements: ");
        assertTrue(at >= 0, "the README has a Requirements paragraph");
        String requirements = readme.substring(at, readme.indexOf("\n\n", at)).replaceAll("\\s+", " ");
        for (String tool : tools.keySet()) {
            assertTrue(requirements.contains(tool), "the README's Requirements do not name '" + tool + "': "
                    + requirements);
        }
        assertTrue(requirements.contains("scripts/check-tools.sh"), requirements);
    }

    @Test
    void aMissingToolIsOneLineNamingItsPackage(@TempDir Path dir) throws Exception {
        Path empty = Files.createDirectories(dir.resolve("bin")); // a PATH with none of the tools
        Result build = script(empty, "build");
        assertEquals(1, build.code(), build.err());
        assertEquals(1, build.err().strip().lines().count(), build.err());
        assertTrue(build.err().startsWith("rehearsal: missing g++ (") && build.err().contains("apt-get install g++"),
                build.err());
        assertTrue(!build.err().contains("python3") && !build.err().contains("-DskipTests"), "only the build's tools: "
                + build.err());

        Result tests = script(empty, "tests");
        assertEquals(1, tests.code(), tests.err());
        assertEquals(1, tests.err().strip().lines().count(), tests.err());
        assertTrue(tests.err().contains("python3 (ReadmeTablesTest") && tests.err().contains("GNU tar (TarReaderTest"),
                tests.err());
        assertTrue(tests.err().matches("(?s).*apt-get install g\\+\\+ python3 .*tar.*") && tests.err().strip()
                .endsWith("or build without the tests: mvn -B package -DskipTests"), tests.err());

        Result packages = script(empty, "tests", "--missing-packages");
        assertEquals(0, packages.code(), packages.err());
        assertTrue(List.of(packages.out().strip().split(" ")).containsAll(List.of("g++", "python3", "tar")),
                packages.out());
        assertEquals(2, script(empty, "everything").code(), "a usage error");
    }

    @Test
    void theBuildChecksTheToolsInItsFirstPhase() throws Exception {
        Element check = execution(pom(), "check-tools");
        assertEquals("validate", text(check, "phase"));
        NodeList args = check.getElementsByTagName("arg");
        assertEquals("scripts/check-tools.sh", ((Element) args.item(0)).getAttribute("value"));
    }

    /**
     * The test JVMs' temporary folder is the build's, emptied before the tests and checked empty after them;
     * every child JVM a test starts gets one through ChildJvm (a child started otherwise would write to the
     * system's temporary folder, where nothing checks it).
     */
    @Test
    void everyTestJvmUsesTheTemporaryFolderTheBuildChecks() throws Exception {
        Document pom = pom();
        String argLine = pom.getElementsByTagName("argLine").item(0).getTextContent();
        assertTrue(argLine.contains("-Djava.io.tmpdir=${test.tmpdir}"), argLine);
        assertEquals("process-test-classes", text(execution(pom, "test-tmp-prepare"), "phase"));
        assertEquals("test", text(execution(pom, "test-tmp-check"), "phase"));
        assertTrue(System.getProperty("java.io.tmpdir").replace('\\', '/').endsWith("target/test-tmp"),
                "this JVM's java.io.tmpdir: " + System.getProperty("java.io.tmpdir"));
        assertTrue(ChildJvm.java().contains("-Djava.io.tmpdir=" + Path.of(System.getProperty("java.io.tmpdir"))
                .toAbsolutePath()), ChildJvm.java().toString());
        List<String> elsewhere = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/test/java"))) {
            for (Path f : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                if (!f.getFileName().toString().equals("ChildJvm.java") && !f.getFileName().toString().equals(
                        "SetupTest.java") && Files.readString(f).contains("getProperty(\"java.home\")")) {
                    elsewhere.add(f.toString());
                }
            }
        }
        assertEquals(List.of(), elsewhere, "child JVMs started without ChildJvm (and so without the tests' tmpdir)");
    }

    private record Result(int code, String out, String err) {
    }

    private static Result script(Path path, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Files.isExecutable(Path.of("/bin/bash")) ? "/bin/bash"
                : "/usr/bin/bash", SCRIPT.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(cmd);
        b.environment().put("PATH", path.toString());
        Process p = b.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("check-tools.sh did not finish in 60 s");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err,
                StandardCharsets.UTF_8));
    }

    private static Document pom() throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
    }

    /** The plugin execution with this id. */
    private static Element execution(Document pom, String id) {
        NodeList executions = pom.getElementsByTagName("execution");
        for (int i = 0; i < executions.getLength(); i++) {
            Element e = (Element) executions.item(i);
            if (id.equals(text(e, "id"))) {
                return e;
            }
        }
        throw new AssertionError("pom.xml has no execution " + id);
    }

    private static String text(Element e, String child) {
        NodeList n = e.getElementsByTagName(child);
        return n.getLength() == 0 ? null : n.item(0).getTextContent().strip();
    }
}
