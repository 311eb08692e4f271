package dev.rehearsal.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.config.StrategyCatalog;
import dev.rehearsal.config.Suggest;
import dev.rehearsal.experiment.Json;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * How the commands present their options, set up once when the command line is built:
 * <ul>
 * <li>the strategies' own options are added to the commands that run experiments;</li>
 * <li>{@code --help} prints the defaults from the code: a default provider answers every option that is a key of
 * {@link ExperimentConfig} with the config's default (after the command's own, see {@link OwnDefaults}), so
 * descriptions say {@code ${DEFAULT-VALUE}}. The fields stay null unless the option is given
 * ({@link #clearUnmatched}): a flag overrides a config file only when it is on the command line;</li>
 * <li>a flag whose default is true is declared by picocli as {@code --no-KEY}, so that {@code --KEY} sets true
 * and {@code --no-KEY} false whatever the default; {@code --KEY=VALUE} is refused (picocli would read it
 * against the default);</li>
 * <li>options are listed under the headings of {@link Group}, the synopsis is abbreviated, and every command
 * has the version.</li>
 * </ul>
 */
final class Usage {
    private Usage() {
    }

    /** A command whose experiments default to other values than {@link ExperimentConfig}'s (scale). */
    interface OwnDefaults {
        /** Sets this command's defaults on a config holding ExperimentConfig's. */
        void defaults(ExperimentConfig c);

        /** The default {@code --help} shows for {@code key} when it is not the config's value here, or null. */
        default String shownDefault(String key) {
            return null;
        }
    }

    /** Arranges every subcommand of {@code root} as the class comment says. */
    static void arrange(CommandLine root) {
        for (CommandLine sub : root.getSubcommands().values()) {
            CommandSpec spec = sub.getCommandSpec();
            spec.versionProvider(root.getCommandSpec().versionProvider());
            if (ExperimentOptions.mixedInto(spec)) {
                ExperimentOptions.declareStrategyOptions(spec);
            }
            if (spec.mixins().values().stream().anyMatch(m -> m.userObject() instanceof RuntimeOptions)) {
                sub.setDefaultValueProvider(new ConfigDefaults(spec.userObject()));
            }
            negatables(sub);
            group(spec);
            spec.usageMessage().abbreviateSynopsis(true);
        }
    }

    /** The config key an option stands for: its long name without {@code --} (and without a flag's {@code no-}). */
    static String key(OptionSpec o) {
        String name = o.longestName().replaceFirst("^--?", "");
        return o.negatable() && name.startsWith("no-") ? name.substring(3) : name;
    }

    /**
     * Sets the options that were not given back to null after parsing: the default provider filled them in, and a
     * null field is how the commands know a flag was not given.
     */
    static void clearUnmatched(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            for (OptionSpec o : p.commandSpec().options()) {
                if (o.initialValue() == null && !p.hasMatchedOption(o) && o.getValue() != null) {
                    o.setValue(null);
                }
            }
        }
    }

    /** Renames default-true flags to {@code --no-KEY} and refuses a value attached to any flag of two forms. */
    private static void negatables(CommandLine command) {
        CommandSpec spec = command.getCommandSpec();
        CommandLine.IDefaultValueProvider defaults = command.getDefaultValueProvider();
        for (OptionSpec o : new ArrayList<>(spec.options())) {
            if (!o.negatable()) {
                continue;
            }
            String key = key(o);
            String defaultValue;
            try {
                defaultValue = defaults == null ? null : defaults.defaultValue(o);
            } catch (Exception e) {
                throw new IllegalStateException("no default for --" + key, e);
            }
            boolean defaultTrue = "true".equals(defaultValue) || Boolean.TRUE.equals(o.initialValue());
            spec.remove(o);
            spec.addOption(o.toBuilder().names((defaultTrue ? "--no-" : "--") + key)
                    .preprocessor((args, cmd, arg, info) -> {
                        if ("=".equals(info.get("separator"))) {
                            throw new CommandLine.ParameterException(cmd.commandLine(), "--" + key + " takes no "
                                    + "value: give --" + key + " or --no-" + key);
                        }
                        return false;
                    }).build());
        }
    }

    /** Moves every option declared in a {@link Group} (and the strategies' options) under that group's heading. */
    private static void group(CommandSpec spec) {
        Map<Group, List<OptionSpec>> groups = new EnumMap<>(Group.class);
        for (OptionSpec o : spec.options()) {
            Group g = groupOf(o);
            if (g != null) {
                groups.computeIfAbsent(g, x -> new ArrayList<>()).add(o);
            }
        }
        groups.forEach((g, options) -> {
            ArgGroupSpec.Builder b = ArgGroupSpec.builder().heading("%n" + g.heading + ":%n").validate(false)
                    .exclusive(false).order(g.ordinal());
            for (OptionSpec o : options) {
                spec.remove(o);
                b.addArg(o);
            }
            spec.addArgGroup(b.build());
        });
    }

    private static Group groupOf(OptionSpec o) {
        if (o.userObject() instanceof Field f) {
            Group.In in = f.getAnnotation(Group.In.class);
            return in == null ? null : in.value();
        }
        String key = key(o);
        boolean declared = StrategyCatalog.installed().allOptions().stream().anyMatch(d -> d.key().equals(key));
        return declared ? Group.STRATEGY : null;
    }

    /** Every name a misspelt option of {@code spec} may have meant: long and short names, negated forms. */
    static List<String> optionNames(CommandSpec spec) {
        TreeSet<String> names = new TreeSet<>(spec.optionsMap().keySet());
        names.addAll(spec.negatedOptionsMap().keySet());
        return new ArrayList<>(names);
    }

    /**
     * The misspelt name's nearest by edit distance, else the first of picocli's suggestions that the typed name
     * abbreviates ({@code --strat}: {@code --strategy}), or null: picocli's other suggestions are too far to help.
     */
    static String suggestion(String typed, List<String> known, List<String> picocli) {
        String near = Suggest.nearest(typed, known);
        return near != null ? near : picocli.stream().filter(p -> p.startsWith(typed)).findFirst().orElse(null);
    }

    /** A config value as a flag is written: a list joined by commas ({@code 0,1,2}), anything else as its text. */
    static String text(JsonNode v) {
        if (v.isArray()) {
            List<String> items = new ArrayList<>();
            v.forEach(x -> items.add(x.asText()));
            return String.join(",", items);
        }
        return v.asText();
    }

    /**
     * The defaults of the experiment keys, as {@code --help} prints them and picocli fills them in before they are
     * cleared again ({@link #clearUnmatched}): the config's after the command's own, and for the strategies' flags
     * their declared default.
     */
    private static final class ConfigDefaults implements CommandLine.IDefaultValueProvider {
        private final OwnDefaults own;
        private final ObjectNode config;

        ConfigDefaults(Object command) {
            this.own = command instanceof OwnDefaults o ? o : null;
            ExperimentConfig c = new ExperimentConfig();
            if (own != null) {
                own.defaults(c);
            }
            this.config = Json.MAPPER.valueToTree(c);
        }

        @Override
        public String defaultValue(ArgSpec arg) {
            if (!(arg instanceof OptionSpec o) || o.initialValue() != null) {
                return null; // a command's own option with its own initial value
            }
            String key = key(o);
            String shown = own == null ? null : own.shownDefault(key);
            if (shown != null) {
                return shown;
            }
            JsonNode v = config.get(key);
            if (v != null && !v.isNull()) {
                return text(v);
            }
            for (dev.rehearsal.config.Option d : StrategyCatalog.installed().allOptions()) {
                if (d.key().equals(key) && d.kind() == dev.rehearsal.config.Option.Kind.FLAG) {
                    return d.defaultValue().toString();
                }
            }
            return null;
        }
    }
}
