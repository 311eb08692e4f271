package dev.rehearsal.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The jars a cluster's executors need to run this application: every entry of this JVM's class path except
 * those Spark brings (a worker has them already). Spark's are the artifacts under {@code spark-core} in the
 * build's verbose dependency tree ({@value #TREE}, written by the build); a class-path directory (classes run
 * from the build, as in tests) is packed into a temporary jar, native libraries included.
 */
public final class AppJars {
    /** The dependency tree the build writes (maven-dependency-plugin, verbose). */
    public static final String TREE = "/META-INF/rehearsal/dependency-tree.txt";
    private static final Pattern COORDINATES = Pattern.compile("([\\w.\\-]+):([\\w.\\-]+):jar:(?:[\\w.\\-]+:)?"
            + "[\\w.\\-]+:(?:compile|runtime)");

    private AppJars() {
    }

    /** The artifact ids of Spark's own dependencies (spark-core and everything under it). */
    public static Set<String> sparkArtifacts() {
        Set<String> out = new HashSet<>();
        try (InputStream in = AppJars.class.getResourceAsStream(TREE)) {
            if (in == null) {
                throw new IllegalStateException("the build did not write " + TREE + " (rebuild with mvn package)");
            }
            boolean inSpark = false;
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                boolean top = line.startsWith("+- ") || line.startsWith("\\- ");
                if (top) {
                    inSpark = line.contains("org.apache.spark:spark-core_");
                }
                if (inSpark) {
                    Matcher m = COORDINATES.matcher(line);
                    if (m.find()) {
                        out.add(m.group(2));
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + TREE + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** Whether a jar file (artifactId-version[-classifier].jar) is one of {@code artifacts}. */
    public static boolean isOneOf(Path jar, Set<String> artifacts) {
        String name = jar.getFileName().toString();
        for (String a : artifacts) {
            if (name.startsWith(a + "-") && name.length() > a.length() + 1
                    && Character.isDigit(name.charAt(a.length() + 1))) {
                return true;
            }
        }
        return false;
    }

    /** The class path's jars and directories that are not Spark's, directories packed into jars in {@code tmp}. */
    public static List<Path> forExecutors(Path tmp) {
        Set<String> spark = sparkArtifacts();
        List<Path> out = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (entry.isBlank()) {
                continue;
            }
            Path p = Path.of(entry).toAbsolutePath();
            if (Files.isDirectory(p)) {
                out.add(pack(p, tmp));
            } else if (Files.isRegularFile(p) && p.toString().endsWith(".jar") && !isOneOf(p, spark)) {
                out.add(p);
                out.addAll(manifestClassPath(p, spark));
            }
        }
        return out.stream().distinct().toList();
    }

    /** The jars an executable jar's manifest lists (java -jar target/rehearsal.jar puts only itself on the path). */
    private static List<Path> manifestClassPath(Path jar, Set<String> spark) {
        List<Path> out = new ArrayList<>();
        try (java.util.jar.JarFile j = new java.util.jar.JarFile(jar.toFile())) {
            java.util.jar.Manifest m = j.getManifest();
            String cp = m == null ? null : m.getMainAttributes().getValue("Class-Path");
            if (cp != null) {
                for (String e : cp.trim().split("\\s+")) {
                    Path p = jar.getParent().resolve(e).normalize();
                    if (Files.isRegularFile(p) && !isOneOf(p, spark)) {
                        out.add(p);
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the manifest of " + jar + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static Path pack(Path dir, Path tmp) {
        try {
            Files.createDirectories(tmp);
            Path jar = Files.createTempFile(tmp, "classes-", ".jar");
            try (OutputStream os = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(os);
                    Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                    zip.putNextEntry(new ZipEntry(dir.relativize(f).toString().replace('\\', '/')));
                    Files.copy(f, zip);
                    zip.closeEntry();
                }
            }
            return jar;
        } catch (IOException e) {
            throw new IllegalStateException("cannot pack " + dir + " into a jar for the executors: " + e.getMessage(), e);
        }
    }
}
