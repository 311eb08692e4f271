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
 * (same name) and overrides it only when given. Defaults are the config's.
 */
final class ExperimentOptions {
    /** The command these options are mixed into: where the strategies' own options are added. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--dataset", paramLabel = "NAME", description = "mnist or fashion (default mnist).")
    String dataset;
    @Option(names = "--data", paramLabel = "DIR", description = "Directory with the four IDX files "
            + "(default: data/mnist, fetched when missing; Fashion-MNIST from Debian's dataset-fashion-mnist).")
    String data;
    @Option(names = "--scenario", paramLabel = "NAME", description = "split or permuted (default split).")
    String scenario;
    @Option(names = "--tasks", paramLabel = "N", split = ",", description = "Tasks of a permuted scenario (default "
            + "10); scale takes a list, e.g. 2,5,10,20,50.")
    List<Integer> tasks;
    @Option(names = "--class-order", paramLabel = "C,C,...", split = ",",
            description = "Class order of a split scenario (default 0,1,...,9).")
    List<Integer> classOrder;
    @Option(names = "--classes-per-task", paramLabel = "K", description = "Classes per split task (default 2).")
    Integer classesPerTask;
    @Option(names = "--setting", paramLabel = "S", description = "class, task or domain (default class).")
    String setting;
    @Option(names = "--head", paramLabel = "H", description = "grow or fixed class-incremental head (default grow).")
    String head;
    @Option(names = "--preset", paramLabel = "P", description = "seed, wide or perm models (default seed; perm is "
            + "Permuted-MNIST's 784-1000-1000-10).")
    String preset;
    @Option(names = "--batch", paramLabel = "B", description = "Current samples per step (default 128).")
    Integer batch;

    @Option(names = "--precision", paramLabel = "P", description = "What the matmuls multiply in: fp32 (default, "
            + "the reference) or bf16 (bfloat16 operands, float32 sums and master weights; needs AVX512_BF16 or AMX).")
    String precision;
    @Option(names = "--epochs", paramLabel = "E", description = "Solver epochs per task (default 2).")
    Integer epochs;
    @Option(names = "--iterations", paramLabel = "N", description = "Solver steps per task; overrides --epochs.")
    Integer iterations;
    @Option(names = "--vae-epochs", paramLabel = "E", description = "Generator epochs per task (default 5).")
    Integer vaeEpochs;
    @Option(names = "--vae-iterations", paramLabel = "N", description = "Generator steps per task; overrides "
            + "--vae-epochs.")
    Integer vaeIterations;
    @Option(names = "--optimizer", paramLabel = "O", description = "adam or sgd (default adam).")
    String optimizer;
    @Option(names = "--lr", paramLabel = "LR", description = "Solver learning rate (default 1e-3).")
    Double lr;
    @Option(names = "--vae-lr", paramLabel = "LR", description = "Generator learning rate (default 1e-3).")
    Double vaeLr;
    @Option(names = "--momentum", paramLabel = "M", description = "SGD momentum (default 0).")
    Double momentum;
    @Option(names = "--lr-schedule", paramLabel = "S", description = "constant, step:EVERY:GAMMA or exp:GAMMA "
            + "(default constant; restarts with the optimiser at every task).")
    String lrSchedule;
    @Option(names = "--reset-optimizer", paramLabel = "BOOL", arity = "1",
            description = "Fresh optimiser state at every task (default true).")
    Boolean resetOptimizer;
    @Option(names = "--replay-ratio", paramLabel = "R", description = "Replayed samples per current sample "
            + "(default 1).")
    Double replayRatio;
    @Option(names = "--weighting", paramLabel = "W", description = "tasks (current 1/t, replay 1-1/t) or equal "
            + "(default tasks).")
    String weighting;
    @Option(names = "--generation", paramLabel = "G", description = "on-the-fly or pool (default on-the-fly).")
    String generation;
    @Option(names = "--pool-size", paramLabel = "N", description = "Generated pool size (default: task size).")
    Integer poolSize;
    @Option(names = "--replay-targets", paramLabel = "T", description = "hard or soft (default hard).")
    String replayTargets;
    @Option(names = "--temperature", paramLabel = "T", description = "Distillation temperature (default 2).")
    Double temperature;
    @Option(names = "--per-class", paramLabel = "N", description = "Stored samples per class for er (default 300).")
    Integer perClass;
    @Option(names = "--selection", paramLabel = "S", description = "random or reservoir (default random).")
    String selection;
    @Option(names = "--train-limit", paramLabel = "N", description = "Training samples kept per task (default all).")
    Integer trainLimit;
    @Option(names = "--test-limit", paramLabel = "N", description = "Test samples kept per task (default all).")
    Integer testLimit;
    @Option(names = "--backend", paramLabel = "B", description = "native or jvm (default native).")
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
            command.addOption(OptionSpec.builder("--" + o.key()).paramLabel(label(o)).type(String.class)
                    .description(o.description() + " [" + String.join(", ", users) + "]").build());
        }
    }

    private static String label(dev.rehearsal.config.Option o) {
        return switch (o.kind()) {
            case NUMBER -> "X";
            case INTEGER -> "N";
            case CHOICE -> "WORD";
            case FLAG -> "BOOL";
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
                c.set(o, o.parse(given.getValue()));
            }
        }
        if (dataset != null) {
            c.dataset = dataset;
        }
        if (data != null) {
            c.data = data;
        }
        if (scenario != null) {
            c.scenario = scenario;
        }
        if (tasks != null) {
            if (tasks.size() != 1) {
                throw usage("--tasks takes one number here, got " + tasks + " (a list is for the scale command)");
            }
            c.tasks = tasks.get(0);
        }
        if (classOrder != null) {
            c.classOrder = new ArrayList<>(classOrder);
        }
        if (classesPerTask != null) {
            c.classesPerTask = classesPerTask;
        }
        if (setting != null) {
            c.setting = setting;
        }
        if (head != null) {
            c.head = head;
        }
        if (preset != null) {
            c.preset = preset;
        }
        if (precision != null) {
            c.precision = precision.toLowerCase(java.util.Locale.ROOT);
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
            c.optimizer = optimizer;
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
            c.weighting = weighting;
        }
        if (generation != null) {
            c.generation = generation;
        }
        if (poolSize != null) {
            c.poolSize = poolSize;
        }
        if (replayTargets != null) {
            c.replayTargets = replayTargets;
        }
        if (temperature != null) {
            c.temperature = temperature;
        }
        if (perClass != null) {
            c.perClass = perClass;
        }
        if (selection != null) {
            c.selection = selection;
        }
        if (trainLimit != null) {
            c.trainLimit = trainLimit;
        }
        if (testLimit != null) {
            c.testLimit = testLimit;
        }
        if (backend != null) {
            c.backend = backend;
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
