/*
 * The GNU build id the linker put in .note.gnu.build-id (ELF note: namesz,
 * descsz, type, "GNU\0", then the id bytes), as hex.
 */
#include <keel/version.h>
#include <keel/lib.h>

extern const uint8_t __build_id_note[], __build_id_note_end[];

const char *build_id_hex(void)
{
	static char hex[41];
	uint32_t namesz, descsz;
	const uint8_t *desc;

	if (hex[0])
		return hex;
	if (__build_id_note_end - __build_id_note < 16)
		return "unknown";
	memcpy(&namesz, __build_id_note, 4);
	memcpy(&descsz, __build_id_note + 4, 4);
	desc = __build_id_note + 12 + ALIGN_UP(namesz, 4);
	if (desc + descsz > __build_id_note_end || descsz > 20)
		return "unknown";
	for (uint32_t i = 0; i < descsz; i++)
		snprintf(hex + 2 * i, 3, "%02x", desc[i]);
	return hex;
}
