package dev.manifestinit.validation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Sha256Test {

    @Test
    void knownAnswers() {
        // FIPS 180-4 examples: "abc", and the two-block message of 448 bits.
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", hex("abc"));
        assertEquals("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
                hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"));
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", hex(""));
    }

    @Test
    void matchesJdkAtEveryPaddingLength() throws Exception {
        // Lengths around the block size cover every padding case: the length fits into the last
        // block, or it needs one more.
        Random random = new Random(42);
        MessageDigest jdk = MessageDigest.getInstance("SHA-256");
        for (int length = 0; length <= 300; length++) {
            byte[] message = new byte[length];
            random.nextBytes(message);
            assertArrayEquals(jdk.digest(message), Sha256.digest(message), "length " + length);
        }
    }

    @Test
    void matchesJdkOnLargeMessage() throws Exception {
        byte[] message = new byte[256 * 1024 + 17];
        new Random(7).nextBytes(message);
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(message), Sha256.digest(message));
    }

    private static String hex(String text) {
        return HexFormat.of().formatHex(Sha256.digest(text.getBytes(StandardCharsets.US_ASCII)));
    }
}
