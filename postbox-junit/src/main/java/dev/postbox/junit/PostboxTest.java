package dev.postbox.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the annotated test class against an in-process Postbox in test mode, started once for the
 * class; test methods, constructors and lifecycle methods receive it as a {@link Postbox}
 * parameter. The same as {@code @ExtendWith(PostboxExtension.class)}.
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(PostboxExtension.class)
public @interface PostboxTest {}
