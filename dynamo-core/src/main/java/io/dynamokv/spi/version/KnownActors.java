package io.dynamokv.spi.version;


/**
 * The encodings (node id and incarnation) of the actors decoded lately, so that decoding an actor
 * seen before is one comparison of bytes: no string, no hash of it, no map lookups. Every version
 * set names its actors, a cluster has few, and a node decodes tens of thousands of sets a second
 * (profiles put the string work of this decoding at several percent of a put's CPU).
 *
 * <p>Encoding uses them too: an actor that is the very object remembered is written as its
 * remembered bytes.
 *
 * <p>Sixteen slots, each picked from three bytes of the encoding (the name's length, its last
 * byte, the incarnation's last byte); a new actor replaces the one in its slot. An actor is found
 * only when the next bytes equal a remembered encoding exactly, bytes that decoded without error
 * to that actor before, so the result is the one full decoding would give.
 *
 * <p>Thread-safe: slots are written and read without locks; an entry's fields are final, so a
 * thread sees a whole entry or an older one, and at worst decodes in full.
 */
final class KnownActors {

  private record Known(byte[] encoded, ActorId actor) {}

  private static final int SLOTS = 16;
  // A name this long or longer has a two-byte length prefix: never remembered.
  private static final int MAX_NAME_BYTES = 127;
  private static final Known[] KNOWN = new Known[SLOTS];

  private KnownActors() {}

  /** Reads the actor the next bytes encode, if they equal a remembered encoding; else reads nothing and returns null. */
  static ActorId read(ByteReader in) {
    int nameLength = in.peek(0);
    if (nameLength < 1 || nameLength > MAX_NAME_BYTES) {
      return null;
    }
    int slot = slot(nameLength, in.peek(nameLength), in.peek(nameLength + 8));
    Known known = KNOWN[slot];
    return known != null && in.skipIfNext(known.encoded) ? known.actor : null;
  }

  /** Returns the remembered encoding of {@code actor} (this very object), or null. */
  static byte[] encodingOf(ActorId actor) {
    String name = actor.node().value();
    int n = name.length();
    if (n < 1 || n > MAX_NAME_BYTES) {
      return null;
    }
    // For an ASCII name these are the bytes read() picks the slot by; for another, a miss.
    Known known = KNOWN[slot(n, name.charAt(n - 1) & 0xFF, (int) actor.incarnation() & 0xFF)];
    return known != null && known.actor == actor ? known.encoded : null;
  }

  /** Remembers that {@code encoded} (length-prefixed name, 8-byte incarnation) decodes to {@code actor}. */
  static void remember(byte[] encoded, ActorId actor) {
    int nameLength = encoded[0] & 0xFF;
    if (nameLength < 1 || nameLength > MAX_NAME_BYTES || encoded.length != 1 + nameLength + 8) {
      return;
    }
    KNOWN[slot(nameLength, encoded[nameLength] & 0xFF, encoded[nameLength + 8] & 0xFF)] = new Known(encoded, actor);
  }

  private static int slot(int nameLength, int lastNameByte, int lastIncarnationByte) {
    return (nameLength * 31 + lastNameByte * 7 + lastIncarnationByte) & (SLOTS - 1);
  }
}
