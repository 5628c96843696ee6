package dev.aha.runtime.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Whether a shared library exports a function that a library in {@code LD_PRELOAD} can replace: a defined, global or
 * weak symbol of default visibility in its dynamic symbol table. Read from the file (64-bit little-endian ELF, what
 * x86_64 and aarch64 Linux load); nothing is loaded or called. libtorch_cpu.so's tables are ~8 MB of its ~430 MB,
 * mapped, not read.
 */
final class ElfExports {

    private static final int SHT_DYNSYM = 11;
    private static final int SYMBOL_SIZE = 24;
    private static final int STB_LOCAL = 0;
    private static final int STV_DEFAULT = 0;

    private ElfExports() {}

    /** False as well when the file is missing, unreadable, or not such an ELF file: then nothing can be replaced. */
    static boolean interposable(Path library, String symbol) {
        try (FileChannel file = FileChannel.open(library)) {
            ByteBuffer header = map(file, 0, 64);
            if (header.getInt(0) != 0x464c457f || header.get(4) != 2 || header.get(5) != 1) {
                return false; // not "\177ELF", not 64-bit, not little-endian
            }
            long sectionTable = header.getLong(0x28);
            int entrySize = Short.toUnsignedInt(header.getShort(0x3a));
            int sectionCount = Short.toUnsignedInt(header.getShort(0x3c));
            ByteBuffer sections = map(file, sectionTable, (long) entrySize * sectionCount);
            for (int i = 0; i < sectionCount; i++) {
                int at = i * entrySize;
                if (sections.getInt(at + 4) != SHT_DYNSYM) {
                    continue;
                }
                int names = at(sections, sections.getInt(at + 0x28), entrySize);
                ByteBuffer symbols = map(file, sections.getLong(at + 0x18), sections.getLong(at + 0x20));
                ByteBuffer strings = map(file, sections.getLong(names + 0x18), sections.getLong(names + 0x20));
                return defines(symbols, strings, (symbol + '\0').getBytes(StandardCharsets.US_ASCII));
            }
            return false;
        } catch (IOException | RuntimeException e) { // a truncated or garbled file reads past its end
            return false;
        }
    }

    private static boolean defines(ByteBuffer symbols, ByteBuffer strings, byte[] name) {
        for (int s = 0; s + SYMBOL_SIZE <= symbols.limit(); s += SYMBOL_SIZE) {
            int binding = (symbols.get(s + 4) & 0xff) >>> 4;
            int visibility = symbols.get(s + 5) & 0x3;
            int section = Short.toUnsignedInt(symbols.getShort(s + 6));
            if (section != 0 && binding != STB_LOCAL && visibility == STV_DEFAULT
                    && named(strings, symbols.getInt(s), name)) {
                return true;
            }
        }
        return false;
    }

    private static boolean named(ByteBuffer strings, int offset, byte[] name) {
        if (offset < 0 || offset + name.length > strings.limit()) {
            return false;
        }
        for (int i = 0; i < name.length; i++) {
            if (strings.get(offset + i) != name[i]) {
                return false;
            }
        }
        return true;
    }

    private static int at(ByteBuffer sections, int index, int entrySize) {
        int offset = index * entrySize;
        if (index < 0 || offset + entrySize > sections.limit()) {
            throw new IndexOutOfBoundsException("section " + index);
        }
        return offset;
    }

    private static ByteBuffer map(FileChannel file, long offset, long size) throws IOException {
        if (offset < 0 || size < 0 || size > Integer.MAX_VALUE || offset + size > file.size()) {
            throw new IOException("past the end of the file");
        }
        return file.map(FileChannel.MapMode.READ_ONLY, offset, size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
