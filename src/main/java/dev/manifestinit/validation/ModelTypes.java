package dev.manifestinit.validation;

import dev.manifestinit.manifest.ApiFilesystem;
import dev.manifestinit.manifest.Disk;
import dev.manifestinit.manifest.FactoryReset;
import dev.manifestinit.manifest.FsckPolicy;
import dev.manifestinit.manifest.Init;
import dev.manifestinit.manifest.KernelModule;
import dev.manifestinit.manifest.Manifest;
import dev.manifestinit.manifest.Mount;
import dev.manifestinit.manifest.OnFailure;
import dev.manifestinit.manifest.Overlay;
import dev.manifestinit.manifest.Reformat;
import dev.manifestinit.manifest.ResetGpio;
import dev.manifestinit.manifest.Root;
import dev.manifestinit.manifest.Shell;
import java.util.List;

/** Every record of the manifest model, for code that walks the model's keys. */
final class ModelTypes {
    static final List<Class<? extends Record>> RECORDS = List.of(
            Manifest.class, ApiFilesystem.class, KernelModule.class, Disk.class, Root.class, Mount.class, FsckPolicy.class,
            Overlay.class,
            Init.class, Shell.class, OnFailure.class, FactoryReset.class, ResetGpio.class, Reformat.class);

    private ModelTypes() {
    }
}
