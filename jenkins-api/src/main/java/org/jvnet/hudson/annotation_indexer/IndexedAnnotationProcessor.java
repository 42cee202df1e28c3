package org.jvnet.hudson.annotation_indexer;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.annotation.processing.SupportedAnnotationTypes;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;
import javax.tools.FileObject;
import javax.tools.StandardLocation;

/**
 * Build-time stand-in for annotation-indexer's processor (that library is not on Maven Central): for every
 * annotation meta-annotated {@link Indexed} (such as {@code @Symbol}), writes
 * {@code META-INF/services/annotations/<annotation binary name>} listing, one binary name per line and sorted, the
 * classes that use it on the class or on a member — the file annotation-indexer's {@code Index} reads at run time.
 * Never packaged: only the plugin's compilation sees it.
 */
@SupportedAnnotationTypes("*")
public final class IndexedAnnotationProcessor extends AbstractProcessor {
    private static final String PREFIX = "META-INF/services/annotations/";

    private final Map<String, Set<String>> uses = new TreeMap<>();
    private final Map<String, List<Element>> origins = new TreeMap<>();

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        if (round.processingOver()) {
            write();
            return false;
        }
        for (TypeElement annotation : annotations) {
            if (annotation.getAnnotation(Indexed.class) == null) {
                continue;
            }
            String annotationName = processingEnv.getElementUtils().getBinaryName(annotation).toString();
            for (Element element : round.getElementsAnnotatedWith(annotation)) {
                TypeElement type = enclosingType(element);
                if (type == null) {
                    continue;
                }
                uses.computeIfAbsent(annotationName, k -> new TreeSet<>())
                        .add(processingEnv.getElementUtils().getBinaryName(type).toString());
                origins.computeIfAbsent(annotationName, k -> new ArrayList<>()).add(element);
            }
        }
        return false;
    }

    private static TypeElement enclosingType(Element element) {
        Element current = element;
        while (current != null && !(current instanceof TypeElement)) {
            current = current.getEnclosingElement();
        }
        return (TypeElement) current;
    }

    private void write() {
        for (Map.Entry<String, Set<String>> use : uses.entrySet()) {
            try {
                FileObject file = processingEnv.getFiler().createResource(StandardLocation.CLASS_OUTPUT, "",
                        PREFIX + use.getKey(), origins.get(use.getKey()).toArray(new Element[0]));
                try (Writer out = new java.io.OutputStreamWriter(file.openOutputStream(), StandardCharsets.UTF_8)) {
                    for (String type : use.getValue()) {
                        out.write(type);
                        out.write('\n');
                    }
                }
            } catch (IOException e) {
                processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR,
                        "cannot write the index " + PREFIX + use.getKey() + ": " + e);
            }
        }
    }
}
