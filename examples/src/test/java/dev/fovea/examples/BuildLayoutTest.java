package dev.fovea.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * What an outside project relies on: {@code fovea-bom} manages every Fovea artifact the reactor builds,
 * at the reactor's version, and the standalone example asks for that version. (The BOM has no parent, so
 * nothing else keeps the two versions together.)
 */
class BuildLayoutTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    /**
     * Reactor modules that are test support, never a user's dependency, and so stay out of the BOM: the
     * ArchUnit rules every module's architecture test uses in test scope. Each must exist in the reactor.
     */
    private static final Set<String> TEST_SUPPORT = Set.of("fovea-architecture-rules");

    private static Element read(Path pom) throws Exception {
        assertTrue(Files.isRegularFile(pom), "missing " + pom);
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document d = f.newDocumentBuilder().parse(pom.toFile());
        return d.getDocumentElement();
    }

    /** The text of the direct child {@code name} of {@code parent}, or null. */
    private static String child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e.getTextContent().trim();
            }
        }
        return null;
    }

    private static Element childElement(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e;
            }
        }
        return null;
    }

    @Test
    void theBomManagesEveryReactorArtifactAtTheReactorsVersion() throws Exception {
        Element parent = read(ROOT.resolve("pom.xml"));
        String version = child(parent, "version");
        Element bom = read(ROOT.resolve("bom/pom.xml"));
        assertEquals("fovea-bom", child(bom, "artifactId"));
        assertEquals(version, child(bom, "version"), "bom/pom.xml's version must equal the parent's");

        Map<String, String> managed = new TreeMap<>();
        NodeList deps = childElement(childElement(bom, "dependencyManagement"), "dependencies")
                .getElementsByTagName("dependency");
        for (int i = 0; i < deps.getLength(); i++) {
            Element d = (Element) deps.item(i);
            assertEquals("dev.fovea", child(d, "groupId"));
            managed.put(child(d, "artifactId"), child(d, "version"));
        }

        List<String> missing = new ArrayList<>();
        NodeList modules = childElement(parent, "modules").getElementsByTagName("module");
        int checked = 0;
        Set<String> testSupport = new TreeSet<>();
        for (int i = 0; i < modules.getLength(); i++) {
            Element module = read(ROOT.resolve(modules.item(i).getTextContent().trim()).resolve("pom.xml"));
            Element moduleParent = childElement(module, "parent");
            boolean fovea = moduleParent != null && "fovea-parent".equals(child(moduleParent, "artifactId"));
            if (!fovea) {
                continue; // the BOM itself, and the example of a user's project
            }
            String artifactId = child(module, "artifactId");
            if (TEST_SUPPORT.contains(artifactId)) {
                testSupport.add(artifactId);
                continue;
            }
            checked++;
            if (!"${project.version}".equals(managed.get(artifactId))) {
                missing.add(artifactId);
            }
        }
        assertTrue(checked >= 6, "read only " + checked + " Fovea modules from " + ROOT.resolve("pom.xml"));
        assertEquals(new TreeSet<>(TEST_SUPPORT), testSupport, "test-support modules exempted but not in the reactor");
        assertEquals(List.of(), missing, "add these artifacts to bom/pom.xml at ${project.version}");
    }

    @Test
    void theStandaloneExampleAsksForThisVersion() throws Exception {
        Element example = read(ROOT.resolve("examples/custom-layer/pom.xml"));
        assertEquals(null, childElement(example, "parent"), "the example must build on its own, like a user's project");
        assertEquals(child(read(ROOT.resolve("pom.xml")), "version"),
                child(childElement(example, "properties"), "fovea.version"));
    }
}
