/**
 * Deliberately bad classes that the architecture tests evaluate their rules against, to prove
 * each rule reports a violation. Test sources only: production imports never see them.
 */
package dev.fovea.examples.archfixture;
