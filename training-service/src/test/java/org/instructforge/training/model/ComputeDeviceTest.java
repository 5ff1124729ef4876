package org.instructforge.training.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

class ComputeDeviceTest {

    @Test
    void autoPicksTheGpuWhenTheEngineSeesOne() {
        assertThat(ComputeDevice.choose("auto", 1)).isEqualTo(Device.gpu());
        assertThat(ComputeDevice.choose("auto", 0)).isEqualTo(Device.cpu());
    }

    @Test
    void cpuCanBeForcedOnAGpuMachine() {
        assertThat(ComputeDevice.choose("cpu", 2)).isEqualTo(Device.cpu());
    }

    @Test
    void askingForAGpuThatIsNotThereFailsClearly() {
        assertThatThrownBy(() -> ComputeDevice.choose("gpu", 0)).hasMessageContaining("sees no GPU");
    }

    @Test
    void unknownDeviceSettingsAreRejected() {
        assertThatThrownBy(() -> ComputeDevice.choose("tpu", 0)).hasMessageContaining("auto, cpu or gpu");
    }
}
