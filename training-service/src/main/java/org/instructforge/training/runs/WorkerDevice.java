package org.instructforge.training.runs;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import java.lang.management.ManagementFactory;
import org.instructforge.shared.memory.RunMemory;

/**
 * The device this worker trains on and the memory a run may use there, which it records in {@code training_worker}
 * (for the dashboard's refusal) and claims runs by ({@link RunQueue#claim}).
 *
 * @param kind CPU or GPU
 * @param name DJL's name of the device, e.g. {@code cpu()}, {@code gpu(0)}
 * @param memoryBytes GPU: the device's memory; CPU: the host's memory (its container limit in a container, which the
 *     JVM reports) less the JVM's maximum heap, since tensors live in native memory beside the heap; or what
 *     {@code instructforge.runs.device-memory} says
 */
record WorkerDevice(String kind, String name, long memoryBytes) {

    static WorkerDevice of(Device device, Long configuredBytes) {
        boolean gpu = device.isGpu();
        long bytes;
        if (configuredBytes != null && configuredBytes > 0) {
            bytes = configuredBytes;
        } else if (gpu) {
            bytes = CudaUtils.getGpuMemory(device).getMax();
        } else {
            bytes = hostMemoryBeyondHeap();
        }
        return new WorkerDevice(gpu ? "GPU" : "CPU", device.toString(), Math.max(1, bytes));
    }

    static long hostMemoryBeyondHeap() {
        long total = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
        return total - Runtime.getRuntime().maxMemory();
    }

    /** "CPU cpu() with 12.0 GiB". */
    String describe() {
        return kind + " " + name + " with " + RunMemory.formatBytes(memoryBytes);
    }
}
