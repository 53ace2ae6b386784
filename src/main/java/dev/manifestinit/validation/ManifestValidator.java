package dev.manifestinit.validation;

import dev.manifestinit.manifest.LoadedManifest;
import dev.manifestinit.manifest.Manifest;
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
    /**
     * Hibernate Validator logs its version at INFO through java.util.logging on every start; the
     * reference keeps the level setting from being collected with the logger.
     */
    private static final Logger HIBERNATE_LOGGER = quietHibernateLogger();

    private final ManifestLoader loader = new ManifestLoader();

    /** Loads and validates one file; throws when the file cannot be read at all. */
    public Report validate(Path file, String displayName) throws ManifestLoader.UnreadableManifestException {
        return validate(loader.load(file, displayName));
    }

    public Report validate(LoadedManifest loaded) {
        List<Finding> findings = new ArrayList<>(loaded.findings());
        Manifest manifest = loaded.manifest();
        if (manifest != null) {
            findings.addAll(checkConstraints(loaded));
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
                path.append('.').append(KEYS.getOrDefault(node.getName(), node.getName()));
            }
        }
        return path.toString();
    }

    /** Record components whose manifest key differs from the Java name. */
    private static final Map<String, String> KEYS = componentKeys();

    private static Map<String, String> componentKeys() {
        Map<String, String> keys = new HashMap<>();
        for (Class<?> type : ModelTypes.RECORDS) {
            for (RecordComponent component : type.getRecordComponents()) {
                dev.manifestinit.manifest.YamlKey key = component.getAnnotation(dev.manifestinit.manifest.YamlKey.class);
                if (key != null) {
                    keys.put(component.getName(), key.value());
                }
            }
        }
        return keys;
    }
}
