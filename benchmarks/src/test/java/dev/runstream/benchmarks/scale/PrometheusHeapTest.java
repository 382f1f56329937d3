package dev.runstream.benchmarks.scale;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrometheusHeapTest {

    @Test
    void shouldSumTheHeapAreasOnly() {
        String exposition = """
                # HELP jvm_memory_used_bytes The amount of used memory
                # TYPE jvm_memory_used_bytes gauge
                jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 8.388608E7
                jvm_memory_used_bytes{area="heap",id="G1 Old Gen"} 1.2E8
                jvm_memory_used_bytes{area="heap",id="G1 Survivor Space"} 1000.0
                jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 9.0E7
                jvm_memory_committed_bytes{area="heap",id="G1 Old Gen"} 2.17055232E8
                """;

        assertThat(PrometheusHeap.usedBytes(exposition)).hasValue(8.388608E7 + 1.2E8 + 1000.0);
    }

    @Test
    void shouldTakeLabelsInAnyOrderAndSayWhenThereIsNoHeap() {
        assertThat(PrometheusHeap.usedBytes("jvm_memory_used_bytes{id=\"x\",area=\"heap\"} 5 1700000000000\n"))
                .hasValue(5);
        assertThat(PrometheusHeap.usedBytes("jvm_threads_live_threads 40.0\n")).isEmpty();
    }
}
