package dev.fovea.examples.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code fovea backends}: every discovered backend, why one is unavailable, devices, the default. */
@Command(name = "backends", mixinStandardHelpOptions = true,
        description = "List the backends found on the class path, their devices and the default device.")
public final class BackendsCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin(name = CommonOptions.NAME)
    private CommonOptions common;

    @Override
    public Integer call() {
        DeviceSelection.applyDeviceOption(spec.commandLine(), common);
        BackendsReport report = BackendsReport.collect();
        if (common.json()) {
            var json = Json.forCommand("backends");
            report.toJson().entrySet().forEach(e -> json.add(e.getKey(), e.getValue()));
            Json.print(spec.commandLine().getOut(), json);
        } else {
            report.print(spec.commandLine().getOut());
        }
        return 0;
    }
}
