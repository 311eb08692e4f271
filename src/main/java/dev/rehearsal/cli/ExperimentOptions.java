package dev.rehearsal.cli;

import dev.rehearsal.RehearsalException;
import dev.rehearsal.config.ExperimentConfig;
import java.util.ArrayList;
import java.util.List;
import dev.rehearsal.strategy.Strategies;
import dev.rehearsal.strategy.StrategyType;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The experiment options of {@code run} and {@code compare}: each is a key of {@link ExperimentConfig}
 * (same name) and overrides it only when given (a field is null otherwise, see {@link Usage}). The defaults
 * {@code --help} prints are the config's, through {@link Usage}'s default provider.
 */
final class ExperimentOptions {
    /** The help text of --quick on the commands that run experiments. */
    static final String QUICK = "The short configuration, for smoke tests: " + ExperimentConfig.QUICK_SUMMARY
            + " (config keys and flags still override it; the results record that the run was short).";

    /** The command these options are mixed into: where the strategies' own options are added. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Group.In(Group.DATA)
    @Option(names = "--dataset", paramLabel = "NAME", description = "mnist or fashion (default ${DEFAULT-VALUE}).")
    String dataset;
    @Group.In(Group.DATA)
    @Option(names = "--data", paramLabel = "DIR", description = "Directory with the four IDX files "
            + "(default: data/mnist, fetched when missing; Fashion-MNIST from Debian's dataset-fashion-mnist).")
    String data;
    @Group.In(Group.DATA)
    @Option(names = "--scenario", paramLabel = "NAME", description = "split or permuted (default ${DEFAULT-VALUE}).")
    String scenario;
    @Group.In(Group.DATA)
    @Option(names = "--tasks", paramLabel = "N", split = ",", description = "Tasks of a permuted scenario (default "
            + "${DEFAULT-VALUE}); scale takes a list of task counts.")
    List<Integer> tasks;
    @Group.In(Group.DATA)
    @Option(names = "--class-order", paramLabel = "C",
            description = "Class order of a split scenario: random (a permutation per seed, the literature's "
                    + "protocol), reference (per seed, the order GMvandeVen/continual-learning draws for that seed), "
                    + "fixed (0..9) or a list such as 3,7,0,1,2,4,5,6,8,9 (default ${DEFAULT-VALUE}).")
    String classOrder;
    @Group.In(Group.DATA)
    @Option(names = "--classes-per-task", paramLabel = "K", description = "Classes per split task (default "
            + "${DEFAULT-VALUE}).")
    Integer classesPerTask;
    @Group.In(Group.DATA)
    @Option(names = "--setting", paramLabel = "S", description = "class, task or domain (default ${DEFAULT-VALUE}).")
    String setting;
    @Group.In(Group.MODEL)
    @Option(names = "--head", paramLabel = "H", description = "grow or fixed class-incremental head (default "
            + "${DEFAULT-VALUE}).")
    String head;
    @Group.In(Group.MODEL)
    @Option(names = "--preset", paramLabel = "P", description = "seed, wide or perm models (default "
            + "${DEFAULT-VALUE}; perm is Permuted-MNIST's 784-1000-1000-10).")
    String preset;
    @Group.In(Group.TRAINING)
    @Option(names = "--batch", paramLabel = "B", description = "Current samples per step (default ${DEFAULT-VALUE}).")
    Integer batch;

    @Group.In(Group.MODEL)
    @Option(names = "--precision", paramLabel = "P", description = "What the matmuls multiply in (default "
            + "${DEFAULT-VALUE}): fp32, the reference, or bf16, bfloat16 operands with float32 sums and master "
            + "weights (needs AVX512_BF16 or AMX).")
    String precision;
    @Group.In(Group.TRAINING)
    @Option(names = "--epochs", paramLabel = "E", description = "Solver epochs per task (default ${DEFAULT-VALUE}).")
    Integer epochs;
    @Group.In(Group.TRAINING)
    @Option(names = "--iterations", paramLabel = "N", description = "Solver steps per task; overrides --epochs "
            + "(default ${DEFAULT-VALUE}; 0: use --epochs).")
    Integer iterations;
    @Group.In(Group.TRAINING)
    @Option(names = "--vae-epochs", paramLabel = "E", description = "Generator epochs per task (default "
            + "${DEFAULT-VALUE}).")
    Integer vaeEpochs;
    @Group.In(Group.TRAINING)
    @Option(names = "--vae-iterations", paramLabel = "N", description = "Generator steps per task; overrides "
            + "--vae-epochs (default ${DEFAULT-VALUE}; 0: use --vae-epochs).")
    Integer vaeIterations;
    @Group.In(Group.TRAINING)
    @Option(names = "--optimizer", paramLabel = "O", description = "adam or sgd (default ${DEFAULT-VALUE}).")
    String optimizer;
    @Group.In(Group.TRAINING)
    @Option(names = "--lr", paramLabel = "LR", description = "Solver learning rate (default ${DEFAULT-VALUE}).")
    Double lr;
    @Group.In(Group.TRAINING)
    @Option(names = "--vae-lr", paramLabel = "LR", description = "Generator learning rate (default ${DEFAULT-VALUE}).")
    Double vaeLr;
    @Group.In(Group.TRAINING)
    @Option(names = "--momentum", paramLabel = "M", description = "SGD momentum (default ${DEFAULT-VALUE}).")
    Double momentum;
    @Group.In(Group.TRAINING)
    @Option(names = "--lr-schedule", paramLabel = "S", description = "constant, step:EVERY:GAMMA or exp:GAMMA "
            + "(default ${DEFAULT-VALUE}; restarts with the optimiser at every task).")
    String lrSchedule;
    @Group.In(Group.TRAINING)
    @Option(names = "--reset-optimizer", negatable = true, description = "Fresh optimiser state at every task "
            + "(default ${DEFAULT-VALUE}); --no-reset-optimizer keeps Adam's moments across tasks.")
    Boolean resetOptimizer;
    @Group.In(Group.REPLAY)
    @Option(names = "--replay-ratio", paramLabel = "R", description = "Replayed samples per current sample "
            + "(default ${DEFAULT-VALUE}).")
    Double replayRatio;
    @Group.In(Group.REPLAY)
    @Option(names = "--weighting", paramLabel = "W", description = "tasks (current 1/t, replay 1-1/t) or equal "
            + "(default ${DEFAULT-VALUE}).")
    String weighting;
    @Group.In(Group.REPLAY)
    @Option(names = "--generation", paramLabel = "G", description = "on-the-fly or pool (default ${DEFAULT-VALUE}).")
    String generation;
    @Group.In(Group.REPLAY)
    @Option(names = "--pool-size", paramLabel = "N", description = "Generated pool size (default ${DEFAULT-VALUE}; "
            + "0: the task's size).")
    Integer poolSize;
    @Group.In(Group.REPLAY)
    @Option(names = "--replay-targets", paramLabel = "T", description = "hard or soft (default ${DEFAULT-VALUE}).")
    String replayTargets;
    @Group.In(Group.REPLAY)
    @Option(names = "--temperature", paramLabel = "T", description = "Distillation temperature (default "
            + "${DEFAULT-VALUE}).")
    Double temperature;
    @Group.In(Group.REPLAY)
    @Option(names = "--per-class", paramLabel = "N", description = "Stored samples per class for er (default "
            + "${DEFAULT-VALUE}).")
    Integer perClass;
    @Group.In(Group.REPLAY)
    @Option(names = "--selection", paramLabel = "S", description = "random, reservoir or herding (default "
            + "${DEFAULT-VALUE}).")
    String selection;
    @Group.In(Group.DATA)
    @Option(names = "--train-limit", paramLabel = "N", description = "Training samples kept per task (default "
            + "${DEFAULT-VALUE}; 0 keeps all).")
    Integer trainLimit;
    @Group.In(Group.DATA)
    @Option(names = "--test-limit", paramLabel = "N", description = "Test samples kept per task (default "
            + "${DEFAULT-VALUE}; 0 keeps all).")
    Integer testLimit;
    @Group.In(Group.DATA)
    @Option(names = "--validation", paramLabel = "F", description = "Fraction of each task's training data held "
            + "out as a validation set, stratified by class (default ${DEFAULT-VALUE}; 0 holds out none).")
    Double validation;
    @Group.In(Group.SYSTEM)
    @Option(names = "--backend", paramLabel = "B", description = "native or jvm (default ${DEFAULT-VALUE}).")
    String backend;

    /**
     * Adds a flag {@code --KEY} for every option a strategy declares (its help text, default and range from
     * the declaration, and which strategies read it) to a command that mixes these options in.
     */
    static void declareStrategyOptions(CommandSpec command) {
        for (dev.rehearsal.config.Option o : Strategies.declaredOptions()) {
            List<String> users = new ArrayList<>();
            for (StrategyType t : Strategies.ALL) {
                if (t.options().contains(o)) {
                    users.add(t.id());
                }
            }
            // A flag is --KEY / --no-KEY (picocli reads a Boolean); other kinds are parsed by the declaration.
            // picocli formats a description with String.format: a declaration's text is literal, so its '%' is
            // escaped (a '10%' once made every --help print a warning per option and drop its line breaks).
            OptionSpec.Builder flag = OptionSpec.builder("--" + o.key())
                    .description((o.description() + " [" + String.join(", ", users) + "]").replace("%", "%%"));
            command.addOption((o.kind() == dev.rehearsal.config.Option.Kind.FLAG ? flag.type(Boolean.class)
                    .negatable(true).arity("0") : flag.type(String.class).paramLabel(label(o))).build());
        }
    }

    private static String label(dev.rehearsal.config.Option o) {
        return switch (o.kind()) {
            case NUMBER -> "X";
            case INTEGER -> "N";
            case CHOICE -> "WORD";
            case FLAG -> throw new IllegalArgumentException(o + " is a flag: it takes no value");
        };
    }

    /** Whether a command mixes these options in (and so takes the strategies' options). */
    static boolean mixedInto(CommandSpec command) {
        return command.mixins().values().stream().anyMatch(m -> m.userObject() instanceof ExperimentOptions);
    }

    /** Applies the given options to {@code c}, then validates it. */
    ExperimentConfig apply(ExperimentConfig c) {
        for (dev.rehearsal.config.Option o : Strategies.declaredOptions()) {
            OptionSpec given = command == null ? null : command.findOption("--" + o.key());
            if (given != null && given.getValue() != null) {
                Object v = given.getValue();
                c.set(o, v instanceof String text ? o.parse(text) : v);
            }
        }
        if (dataset != null) {
            c.dataset = ExperimentConfig.word("dataset", dev.rehearsal.data.Corpus.class, dataset);
        }
        if (data != null) {
            c.data = data;
        }
        if (scenario != null) {
            c.scenario = ExperimentConfig.word("scenario", dev.rehearsal.config.ScenarioType.class, scenario);
        }
        if (tasks != null) {
            if (tasks.size() != 1) {
                throw usage("--tasks takes one number here, got " + tasks + " (a list is for the scale command)");
            }
            c.tasks = tasks.get(0);
        }
        if (classOrder != null) {
            c.classOrder = dev.rehearsal.config.ClassOrder.parse(classOrder);
        }
        if (classesPerTask != null) {
            c.classesPerTask = classesPerTask;
        }
        if (setting != null) {
            c.setting = ExperimentConfig.word("setting", dev.rehearsal.scenario.Setting.class, setting);
        }
        if (head != null) {
            c.head = ExperimentConfig.word("head", dev.rehearsal.config.Head.class, head);
        }
        if (preset != null) {
            c.preset = ExperimentConfig.word("preset", dev.rehearsal.nn.Preset.class, preset);
        }
        if (precision != null) {
            c.precision = ExperimentConfig.word("precision", dev.rehearsal.backend.Precision.class, precision);
        }
        if (batch != null) {
            c.batch = batch;
        }
        if (epochs != null) {
            c.epochs = epochs;
        }
        if (iterations != null) {
            c.iterations = iterations;
        }
        if (vaeEpochs != null) {
            c.vaeEpochs = vaeEpochs;
        }
        if (vaeIterations != null) {
            c.vaeIterations = vaeIterations;
        }
        if (optimizer != null) {
            c.optimizer = ExperimentConfig.word("optimizer", dev.rehearsal.optim.OptimizerConfig.Kind.class, optimizer);
        }
        if (lr != null) {
            c.lr = lr;
        }
        if (vaeLr != null) {
            c.vaeLr = vaeLr;
        }
        if (momentum != null) {
            c.momentum = momentum;
        }
        if (lrSchedule != null) {
            c.lrSchedule = lrSchedule;
        }
        if (resetOptimizer != null) {
            c.resetOptimizer = resetOptimizer;
        }
        if (replayRatio != null) {
            c.replayRatio = replayRatio;
        }
        if (weighting != null) {
            c.weighting = ExperimentConfig.word("weighting", dev.rehearsal.config.Weighting.class, weighting);
        }
        if (generation != null) {
            c.generation = ExperimentConfig.word("generation", dev.rehearsal.config.Generation.class, generation);
        }
        if (poolSize != null) {
            c.poolSize = poolSize;
        }
        if (replayTargets != null) {
            c.replayTargets = ExperimentConfig.word("replay-targets", dev.rehearsal.config.ReplayTargets.class, replayTargets);
        }
        if (temperature != null) {
            c.temperature = temperature;
        }
        if (perClass != null) {
            c.perClass = perClass;
        }
        if (selection != null) {
            c.selection = ExperimentConfig.word("selection", dev.rehearsal.config.Selection.class, selection);
        }
        if (trainLimit != null) {
            c.trainLimit = trainLimit;
        }
        if (testLimit != null) {
            c.testLimit = testLimit;
        }
        if (validation != null) {
            c.validation = validation;
        }
        if (backend != null) {
            c.backend = ExperimentConfig.word("backend", dev.rehearsal.config.BackendType.class, backend);
        }
        return c;
    }

    /** The registry's strategy ids, for {@code --help}. */
    static final class StrategyIds implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Strategies.idList().iterator();
        }
    }

    static RehearsalException usage(String message) {
        return new RehearsalException(RehearsalException.USAGE, message);
    }
}
