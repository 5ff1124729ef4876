package org.instructforge.training.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

class ComputeEngineTest {

    @Test
    void autoPicksTheGpuWhenTheEngineSeesOne() {
        assertThat(ComputeEngine.choose("auto", 1)).isEqualTo(Device.gpu());
        assertThat(ComputeEngine.choose("auto", 0)).isEqualTo(Device.cpu());
    }

    @Test
    void cpuCanBeForcedOnAGpuMachine() {
        assertThat(ComputeEngine.choose("cpu", 2)).isEqualTo(Device.cpu());
    }

    @Test
    void askingForAGpuThatIsNotThereFailsClearly() {
        assertThatThrownBy(() -> ComputeEngine.choose("gpu", 0)).hasMessageContaining("sees no GPU");
    }

    @Test
    void unknownDeviceSettingsAreRejected() {
        assertThatThrownBy(() -> new EngineProperties("tpu", 0)).hasMessageContaining("auto, cpu or gpu");
    }
}
