/**
 * Engines: where independent units of work run. An {@link dev.rehearsal.engine.Engine} takes tasks (an id
 * and an opaque payload), runs each with a serializable {@link dev.rehearsal.engine.Engine.Work} on some
 * process, and hands every result back to the driver as it arrives. This package knows nothing of
 * strategies, configs or results: the sweep gives it strings. {@link dev.rehearsal.engine.SparkEngine} is the
 * only code that imports Apache Spark, and only the {@code sweep} command loads it, so no other command pays
 * for Spark's classes at start-up. {@link dev.rehearsal.engine.SparkMaster} and
 * {@link dev.rehearsal.engine.SparkMemory} check a master URL, a memory size and the driver's heap by Spark's
 * rules without loading Spark, so a bad setting is refused before a context exists.
 */
package dev.rehearsal.engine;
