package dev.rehearsal.experiment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.AtomicFiles;
import dev.rehearsal.RehearsalException;
import dev.rehearsal.ResultsSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The results.json of several results folders (compare, run, profile or sweep folders, made at different
 * times) as one, for {@code rehearsal report DIR...}: every strategy entry of every folder, in the order the
 * folders are given, with {@code source} (its folder). A strategy name found in more than one folder is
 * labelled by its folder in all of them ({@code er (results/a)}), so runs under different configs are never
 * mixed; runs are never pooled across folders. The merged {@code config} keeps the keys every folder agrees
 * on; where the folders' configs differ, each entry also carries its folder's whole config. Each folder's
 * answers are kept, prefixed by the folder. Everything is read and checked before anything is written.
 */
public final class ResultsMerge {
    /** A folder's results.json, read and checked. */
    public record Folder(Path dir, String label, ObjectNode results) {
    }

    /** What {@link #of} merged: the results.json tree and the label each folder's strategies got, by folder. */
    public record Merged(ObjectNode results, Map<Path, Map<String, String>> labels) {
    }

    private ResultsMerge() {
    }

    /**
     * Reads {@code dir}/results.json: a one-line error (exit code {@link RehearsalException#USAGE}) when the
     * folder or the file is missing, {@link RehearsalException#DATA} when it is not valid JSON, of another
     * schema_version or has no strategy.
     */
    public static Folder read(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new RehearsalException(RehearsalException.USAGE, "no results folder " + dir + ": "
                    + (Files.exists(dir) ? "it is a file" : "it does not exist") + " (give the --out folder of a "
                    + "run, compare, profile or sweep)");
        }
        Path file = dir.resolve("results.json");
        if (!Files.isRegularFile(file)) {
            throw new RehearsalException(RehearsalException.USAGE, dir + " holds no results.json: it is not the "
                    + "folder of a run, compare, profile or sweep, or nothing in it finished yet");
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            throw new RehearsalException(RehearsalException.DATA, file + " is not valid JSON ("
                    + e.getOriginalMessage() + where + "); rerun the command that wrote it", e);
        } catch (IOException e) {
            throw new RehearsalException(RehearsalException.DATA, "cannot read " + file + ": " + AtomicFiles.reason(e),
                    e);
        }
        if (root == null || !root.isObject()) {
            throw new RehearsalException(RehearsalException.DATA, file + " is not a JSON object; rerun the command "
                    + "that wrote it");
        }
        ResultsSchema.require(file.toString(), root);
        if (!root.path("kind").asText().equals("results") || !root.path("results").isArray()
                || root.path("results").isEmpty()) {
            throw new RehearsalException(RehearsalException.DATA, file + " lists no strategy results; rerun the "
                    + "command that wrote it");
        }
        return new Folder(dir, dir.normalize().toString(), (ObjectNode) root);
    }

    /** The folders' results as one results.json tree. */
    public static Merged of(List<Folder> folders) {
        Map<String, Integer> seen = new HashMap<>();
        for (Folder f : folders) {
            for (JsonNode s : f.results().path("results")) {
                seen.merge(s.path("strategy").asText(), 1, Integer::sum);
            }
        }
        boolean sameConfig = folders.stream().allMatch(f -> f.results().path("config")
                .equals(folders.get(0).results().path("config")));
        ObjectNode root = Provenance.stamp(Json.MAPPER.createObjectNode(), "results");
        root.set("config", common(folders));
        ArrayNode sources = root.putArray("sources");
        folders.forEach(f -> sources.add(f.label()));
        ArrayNode answers = Json.MAPPER.createArrayNode();
        ArrayNode notRun = Json.MAPPER.createArrayNode();
        ArrayNode results = root.putArray("results");
        Map<Path, Map<String, String>> labels = new LinkedHashMap<>();
        for (Folder f : folders) {
            if (labels.containsKey(f.dir().normalize())) {
                throw new RehearsalException(RehearsalException.USAGE, f.dir() + " is given twice");
            }
            Map<String, String> mine = new LinkedHashMap<>();
            for (JsonNode s : f.results().path("results")) {
                String name = s.path("strategy").asText();
                String label = seen.get(name) > 1 ? name + " (" + f.label() + ")" : name;
                ObjectNode entry = Json.MAPPER.createObjectNode();
                entry.put("strategy", label);
                entry.put("source", f.label());
                if (!sameConfig && !s.has("config")) {
                    entry.set("config", f.results().path("config"));
                }
                s.properties().forEach(e -> {
                    if (!e.getKey().equals("strategy")) {
                        entry.set(e.getKey(), e.getValue());
                    }
                });
                results.add(entry);
                mine.put(name, label);
            }
            labels.put(f.dir().normalize(), mine);
            // A folder's runs that never started, under the label its strategy has here (its own folder's name
            // when several folders are read and it has no results to take a label from).
            for (JsonNode n : f.results().path("not_run")) {
                if (!n.isObject()) {
                    notRun.add(n); // as it is: the report's check refuses it, naming the file
                    continue;
                }
                String name = n.path("strategy").asText();
                ObjectNode entry = ((ObjectNode) n).deepCopy();
                entry.put("strategy", mine.getOrDefault(name, folders.size() > 1 ? name + " (" + f.label() + ")" : name));
                notRun.add(entry);
            }
            f.results().path("answers").forEach(a -> answers.add(f.label() + ": " + a.asText()));
        }
        // Short if any folder is: as each folder says, or from its config for a file written before it said.
        List<List<String>> why = new java.util.ArrayList<>();
        for (Folder f : folders) {
            List<String> mine = new java.util.ArrayList<>();
            if (f.results().has("short_reasons")) {
                f.results().path("short_reasons").forEach(r -> mine.add(r.asText()));
            } else {
                List<String> strategies = new java.util.ArrayList<>();
                f.results().path("results").forEach(s -> strategies.add(s.path("strategy").asText()));
                mine.addAll(dev.rehearsal.config.ShortRun.reasons(f.results().path("config"), strategies));
            }
            why.add(mine);
        }
        List<String> shortReasons = dev.rehearsal.config.ShortRun.union(why);
        root.put("short", !shortReasons.isEmpty());
        shortReasons.forEach(root.putArray("short_reasons")::add);
        if (!answers.isEmpty()) {
            root.set("answers", answers);
        }
        // answers before results, as a compare writes them
        ObjectNode ordered = Json.MAPPER.createObjectNode();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            if (e.getKey().equals("results")) {
                continue;
            }
            ordered.set(e.getKey(), e.getValue());
        }
        ordered.set("results", results);
        if (!notRun.isEmpty()) {
            ordered.set("not_run", notRun);
        }
        return new Merged(ordered, labels);
    }

    /** The config keys every folder has with the same value. */
    private static ObjectNode common(List<Folder> folders) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        JsonNode first = folders.get(0).results().path("config");
        List<String> keys = new ArrayList<>();
        first.fieldNames().forEachRemaining(keys::add);
        for (String k : keys) {
            if (folders.stream().allMatch(f -> first.get(k).equals(f.results().path("config").get(k)))) {
                out.set(k, first.get(k));
            }
        }
        return out;
    }
}
