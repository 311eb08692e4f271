package dev.rehearsal.backend.nativ;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rehearsal.Backends;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.TreeMap;
import org.bytedeco.dnnl.global.dnnl;
import org.junit.jupiter.api.Test;

/**
 * The ISA oneDNN dispatched to, as {@code info} and {@code bench} report it, is one of oneDNN's own names (a
 * {@code dnnl_cpu_isa_<name>} of its API, read here from the preset, not from our list) whose bits the effective
 * ISA holds, and the AVX512_BF16 and AMX answers agree with those bits. No particular ISA is assumed.
 */
class IsaReportTest {
    /** The native runtime first: touching oneDNN's class loads the libraries, which only the runtime may do. */
    @org.junit.jupiter.api.BeforeAll
    static void start() {
        Backends.nativ();
    }

    /** oneDNN's ISA names and codes, from the API the preset maps (dnnl_cpu_isa_*), "all" left out. */
    static Map<String, Integer> onednnNames() throws IllegalAccessException {
        Map<String, Integer> out = new TreeMap<>();
        for (Field f : dnnl.class.getFields()) {
            if (f.getName().startsWith("dnnl_cpu_isa_") && f.getType() == int.class
                    && Modifier.isStatic(f.getModifiers()) && !f.getName().endsWith("_hints")) {
                out.put(f.getName().substring("dnnl_cpu_isa_".length()), f.getInt(null));
            }
        }
        out.remove("all");
        return out;
    }

    @Test
    void theIsaIsOneOfOnednnsNamesAndTheBf16AndAmxAnswersFollowItsBits() throws Exception {
        Map<String, Integer> names = onednnNames();
        String isa = NativeRuntime.isa();
        assertTrue(names.containsKey(isa), isa + " is not one of oneDNN's names " + names.keySet());
        int effective = dnnl.dnnl_get_effective_cpu_isa();
        int code = names.get(isa);
        assertEquals(code, effective & code, isa + "'s bits are in the effective ISA " + effective);
        int bf16 = names.get("avx512_core_bf16");
        int amx = names.get("avx512_core_amx");
        assertEquals((effective & bf16) == bf16, NativeRuntime.hasBf16());
        assertEquals((effective & amx) == amx, NativeRuntime.hasAmx());
        // AMX includes AVX512_BF16 in oneDNN's ladder: a CPU with the one has the other.
        assertTrue(!NativeRuntime.hasAmx() || NativeRuntime.hasBf16());
    }

    /** Whatever the CPU: every ISA oneDNN can report is named by one of its own names for that same code. */
    @Test
    void everyIsaOnednnCanReportHasItsOwnName() throws Exception {
        Map<String, Integer> names = onednnNames();
        for (Map.Entry<String, Integer> e : names.entrySet()) {
            if (e.getValue() == 0) {
                continue; // "default": a request, never an effective ISA
            }
            String named = NativeRuntime.isaName(e.getValue());
            assertTrue(names.containsKey(named), e.getKey() + " is reported as " + named + ", not a oneDNN name");
            assertEquals(e.getValue(), names.get(named), e.getKey() + " is reported as " + named);
        }
    }

    @Test
    void infoAndBenchSayTheIsaAndWhetherBf16AndAmxAreThere() throws Exception {
        dev.rehearsal.cli.Cli info = dev.rehearsal.cli.Cli.run("info", "--json");
        assertEquals(0, info.exitCode(), info.err());
        JsonNode i = new ObjectMapper().readTree(info.out());
        assertEquals(NativeRuntime.isa(), i.get("onednn_isa").asText());
        assertEquals(Boolean.toString(NativeRuntime.hasBf16()), i.get("onednn_avx512_bf16").asText());
        assertEquals(Boolean.toString(NativeRuntime.hasAmx()), i.get("onednn_amx").asText());

        dev.rehearsal.cli.Cli bench = dev.rehearsal.cli.Cli.run("bench", "--quick", "--json", "--batch", "8");
        assertEquals(0, bench.exitCode(), bench.err());
        JsonNode b = new ObjectMapper().readTree(bench.out());
        assertEquals(NativeRuntime.isa(), b.at("/isa/onednn_isa").asText());
        assertEquals(NativeRuntime.hasBf16(), b.at("/isa/avx512_bf16").asBoolean());
        assertEquals(NativeRuntime.hasAmx(), b.at("/isa/amx").asBoolean());
        for (JsonNode row : b.get("steps")) {
            // Every native figure, a bf16 one above all, names the hardware path it ran on.
            assertEquals(row.get("backend").asText().equals("jvm") ? "jvm" : NativeRuntime.isa(),
                    row.get("isa").asText(), row.toString());
        }
    }
}
