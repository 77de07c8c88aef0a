package io.dynamokv.boundary;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Finds where an exported type's public signature names a type that is not exported: the check
 * behind each module's API boundary test. A type of this project ({@code io.dynamokv.*}) is
 * exported when its package is one of the exported packages; JDK and third-party types are not
 * judged. A member is part of the signature when a user can see it: public, or protected in a
 * class that can be extended.
 */
public final class ApiBoundary {

  /** The packages of dynamo-core that users may use. */
  public static final Set<String> CORE_EXPORTS =
      Set.of("io.dynamokv", "io.dynamokv.spi", "io.dynamokv.spi.version", "io.dynamokv.testkit",
          "io.dynamokv.micrometer");

  private ApiBoundary() {}

  /**
   * Returns a line for each place where a public type of {@code exported} packages under
   * {@code classes} (a compiled output directory) names a type outside {@code exported}.
   */
  public static List<String> leaks(Path classes, Set<String> exported) {
    List<String> found = new ArrayList<>();
    for (Class<?> type : exportedTypes(classes, exported)) {
      found.addAll(leaksOf(type, t -> exported.contains(t.getPackageName()) || !t.getName().startsWith("io.dynamokv.")));
    }
    return found;
  }

  /** Returns the public types of {@code exported} packages compiled under {@code classes}. */
  public static List<Class<?>> exportedTypes(Path classes, Set<String> exported) {
    List<Class<?>> types = new ArrayList<>();
    try (Stream<Path> files = Files.walk(classes)) {
      for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
        String name = classes.relativize(file).toString().replace(file.getFileSystem().getSeparator(), ".");
        name = name.substring(0, name.length() - ".class".length());
        if (name.endsWith("package-info") || !exported.contains(name.substring(0, Math.max(0, name.lastIndexOf('.'))))) {
          continue;
        }
        Class<?> type = Class.forName(name, false, ApiBoundary.class.getClassLoader());
        if (isVisible(type)) {
          types.add(type);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
    return types;
  }

  /** Returns the places where {@code type}'s visible signature names a type that {@code allowed} refuses. */
  public static List<String> leaksOf(Class<?> type, Predicate<Class<?>> allowed) {
    List<String> found = new ArrayList<>();
    Checker check = (where, t) -> names(t, new HashSet<>()).stream().filter(c -> !allowed.test(c))
        .forEach(c -> found.add(type.getName() + where + " names " + c.getName()));
    check.names(" extends", type.getGenericSuperclass());
    for (Type t : type.getGenericInterfaces()) {
      check.names(" implements", t);
    }
    for (TypeVariable<?> v : type.getTypeParameters()) {
      check.names("<" + v.getName() + ">", v);
    }
    boolean extendable = !Modifier.isFinal(type.getModifiers()) && !type.isEnum() && !type.isRecord();
    for (Field f : type.getDeclaredFields()) {
      if (visible(f, extendable)) {
        check.names("." + f.getName(), f.getGenericType());
      }
    }
    for (Constructor<?> c : type.getDeclaredConstructors()) {
      if (visible(c, extendable)) {
        checkExecutable(check, "(constructor)", c.getGenericParameterTypes(), c.getGenericExceptionTypes());
      }
    }
    for (Method m : type.getDeclaredMethods()) {
      if (visible(m, extendable) && !m.isSynthetic() && !m.isBridge()) {
        check.names("." + m.getName() + "() returns", m.getGenericReturnType());
        checkExecutable(check, "." + m.getName() + "()", m.getGenericParameterTypes(), m.getGenericExceptionTypes());
        for (TypeVariable<?> v : m.getTypeParameters()) {
          check.names("." + m.getName() + "<" + v.getName() + ">", v);
        }
      }
    }
    return found;
  }

  private interface Checker {
    void names(String where, Type type);
  }

  private static void checkExecutable(Checker check, String where, Type[] parameters, Type[] exceptions) {
    for (Type p : parameters) {
      check.names(where + " takes", p);
    }
    for (Type e : exceptions) {
      check.names(where + " throws", e);
    }
  }

  private static boolean isVisible(Class<?> type) {
    for (Class<?> c = type; c != null; c = c.getEnclosingClass()) {
      if (!Modifier.isPublic(c.getModifiers()) && !Modifier.isProtected(c.getModifiers())) {
        return false;
      }
    }
    return !type.isAnonymousClass() && !type.isLocalClass() && !type.isSynthetic();
  }

  private static boolean visible(Member member, boolean extendable) {
    int m = member.getModifiers();
    return Modifier.isPublic(m) || (extendable && Modifier.isProtected(m));
  }

  /** Every class a generic type names: the type itself, its arguments, bounds and components. */
  private static Set<Class<?>> names(Type type, Set<Type> seen) {
    Set<Class<?>> out = new HashSet<>();
    if (type == null || !seen.add(type)) {
      return out;
    }
    if (type instanceof Class<?> c) {
      out.add(c.isArray() ? c.getComponentType() : c);
      if (c.isArray()) {
        out.addAll(names(c.getComponentType(), seen));
      }
    } else if (type instanceof ParameterizedType p) {
      out.addAll(names(p.getRawType(), seen));
      for (Type a : p.getActualTypeArguments()) {
        out.addAll(names(a, seen));
      }
    } else if (type instanceof GenericArrayType a) {
      out.addAll(names(a.getGenericComponentType(), seen));
    } else if (type instanceof WildcardType w) {
      for (Type b : w.getUpperBounds()) {
        out.addAll(names(b, seen));
      }
      for (Type b : w.getLowerBounds()) {
        out.addAll(names(b, seen));
      }
    } else if (type instanceof TypeVariable<?> v) {
      for (Type b : v.getBounds()) {
        out.addAll(names(b, seen));
      }
    }
    return out;
  }
}
