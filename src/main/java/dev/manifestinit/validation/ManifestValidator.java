package dev.manifestinit.validation;

import dev.manifestinit.manifest.LoadedManifest;
import dev.manifestinit.manifest.Manifest;
import dev.manifestinit.manifest.ManifestKeys;
import dev.manifestinit.manifest.ManifestLoader;
import dev.manifestinit.manifest.SourceMap;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ElementKind;
import jakarta.validation.Path.Node;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.hibernate.validator.HibernateValidator;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;

/**
 * Validates manifests in three phases: loading (YAML syntax, keys and value types), bean
 * constraints (Hibernate Validator) and cross-field rules. Every phase runs that can, and every
 * finding of every phase is reported.
 */
public final class ManifestValidator {
    private final ManifestLoader loader = new ManifestLoader();

    /** Loads and validates one file; throws when the file cannot be read at all. */
    public Report validate(Path file, String displayName) throws ManifestLoader.UnreadableManifestException {
        return validate(loader.load(file, displayName));
    }

    public Report validate(LoadedManifest loaded) {
        return validate(loaded, Phases.ALL);
    }

    /**
     * Validates without the bean constraints: for a manifest whose {@link ValidationRecord} shows that
     * this same program found exactly these bytes valid. The loader's findings and the cross-field
     * rules still count, and Hibernate Validator is not started.
     */
    public Report validateRecorded(LoadedManifest loaded) {
        return validate(loaded, Phases.WITHOUT_CONSTRAINTS);
    }

    private enum Phases { ALL, WITHOUT_CONSTRAINTS }

    private Report validate(LoadedManifest loaded, Phases phases) {
        List<Finding> findings = new ArrayList<>(loaded.findings());
        Manifest manifest = loaded.manifest();
        if (manifest != null) {
            if (phases == Phases.ALL) {
                findings.addAll(checkConstraints(loaded));
            }
            findings.addAll(new ManifestRules(manifest, loaded.positions(), loaded.failedPaths()).check());
            RuleFindings ruleFindings = new RuleFindings(loaded.positions(), loaded.failedPaths());
            new LabelRules(manifest, ruleFindings).check();
            new PlacementRules(manifest, ruleFindings).check();
            findings.addAll(ruleFindings.findings());
        }
        Collections.sort(findings);
        return new Report(loaded, findings);
    }

    private List<Finding> checkConstraints(LoadedManifest loaded) {
        List<Finding> findings = new ArrayList<>();
        for (ConstraintViolation<Manifest> violation : beanValidator().validate(loaded.manifest())) {
            String path = manifestPath(violation.getPropertyPath());
            if (loaded.failedPaths().contains(path)) {
                continue;
            }
            SourceMap.Position position = loaded.positions().find(path);
            findings.add(new Finding(Severity.ERROR, position.file(), position.line(), position.column(), path,
                    violation.getMessage()));
        }
        return findings;
    }

    /**
     * Hibernate Validator's bootstrap is slow, so it happens once per process and only when
     * validation runs. A Validator is thread-safe, so one serves every ManifestValidator.
     */
    private static Validator beanValidator() {
        return BeanValidatorHolder.VALIDATOR;
    }

    private static final class BeanValidatorHolder {
        /**
         * Hibernate Validator logs its version at INFO through java.util.logging on every start; the
         * reference keeps the level setting from being collected with the logger. It is set only when
         * Hibernate Validator starts, so that a boot with a validation record never starts logging.
         */
        static final Logger HIBERNATE_LOGGER = quietHibernateLogger();
        static final Validator VALIDATOR = Validation.byProvider(HibernateValidator.class)
                .configure()
                // Messages are plain text: the expression language interpolator would need
                // Jakarta EL on the boot path for nothing.
                .messageInterpolator(new ParameterMessageInterpolator())
                .buildValidatorFactory()
                .getValidator();
    }

    private static Logger quietHibernateLogger() {
        Logger logger = Logger.getLogger("org.hibernate.validator");
        logger.setLevel(Level.WARNING);
        return logger;
    }

    /** Turns a property path such as {@code mounts[0].mountpoint} into {@code $.mounts[0].mountpoint}. */
    static String manifestPath(jakarta.validation.Path propertyPath) {
        StringBuilder path = new StringBuilder("$");
        for (Node node : propertyPath) {
            if (node.isInIterable() && node.getIndex() != null) {
                path.append('[').append(node.getIndex()).append(']');
            }
            if (node.getKind() == ElementKind.PROPERTY) {
                path.append('.').append(ComponentKeys.KEYS.getOrDefault(node.getName(), node.getName()));
            }
        }
        return path.toString();
    }

    /**
     * Record components whose manifest key differs from the Java name. A holder class, so that the
     * reflection runs only when a constraint violation needs a path.
     */
    private static final class ComponentKeys {
        static final Map<String, String> KEYS = componentKeys();
    }

    private static Map<String, String> componentKeys() {
        Map<String, String> keys = new HashMap<>();
        for (Class<?> type : ModelTypes.RECORDS) {
            for (RecordComponent component : type.getRecordComponents()) {
                String key = ManifestKeys.keyOf(component);
                if (!key.equals(component.getName())) {
                    keys.put(component.getName(), key);
                }
            }
        }
        return keys;
    }
}
