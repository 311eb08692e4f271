package dev.rehearsal.experiment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.backend.nativ.GemmEngine;
import dev.rehearsal.backend.nativ.NativeBackend;
import dev.rehearsal.backend.nativ.NativeRuntime;
import dev.rehearsal.config.ExperimentConfig;
import java.util.function.Consumer;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Runs every registered strategy and variant of {@link FootprintMemoryTest#strategies()} on the same short
 * synthetic config and prints, as one JSON object, each one's memory by component and its backend workspace.
 * {@link ExactMemoryTest} runs it in this JVM on each backend, and as {@code main} in child JVMs whose native
 * runtime has another thread count or OpenMP wait policy (both fixed per process).
 */
final class MemoryProbe {
    private MemoryProbe() {
    }

    /** {@code strategy (variant)} to {"memory": {component: bytes}, "workspace": bytes}, run on {@code be}. */
    static ObjectNode probe(Backend be) {
        return probe(be, run -> true);
    }

    /** As {@link #probe(Backend)}, for the runs whose {@code strategy (variant)} passes {@code which}. */
    static ObjectNode probe(Backend be, java.util.function.Predicate<String> which) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        FootprintMemoryTest.strategies().map(Arguments::get).filter(a -> which.test(a[0] + " (" + a[1] + ")"))
                .forEach(a -> {
            String id = (String) a[0];
            @SuppressWarnings("unchecked")
            Consumer<ExperimentConfig> tweak = (Consumer<ExperimentConfig>) a[2];
            ExperimentConfig c = StrategyRunTest.config(id);
            c.epochs = 1;
            c.vaeEpochs = 1;
            c.threads = be.threads();
            tweak.accept(c);
            RunResult r = ReferenceMethodsTest.run(c, be, null);
            ObjectNode o = out.putObject(id + " (" + a[1] + ")");
            r.memory().forEach(o.putObject("memory")::put);
            o.put("workspace", r.workspaceBytes());
        });
        return out;
    }

    /** {@code THREADS WAIT}: the native backend (oneDNN GEMMs) with that runtime; prints {@link #probe}. */
    public static void main(String[] args) {
        int threads = Integer.parseInt(args[0]);
        NativeRuntime.OmpWait wait = NativeRuntime.OmpWait.valueOf(args[1].toUpperCase(java.util.Locale.ROOT));
        try (NativeBackend be = new NativeBackend(threads, GemmEngine.DNNL, wait)) {
            System.out.println(Json.write(probe(be)));
        }
        System.exit(0);
    }
}
