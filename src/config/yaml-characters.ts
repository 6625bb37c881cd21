/**
 * The characters but NUL that YAML text may not hold (YAML 1.2 c-printable: C0 controls but tab, LF and
 * CR, DEL, C1 controls but NEL, U+FFFE and U+FFFF), as the body of a regular expression's character class.
 * js-yaml refuses them; tenantctl refuses them in every file (controlCharacterProblem), and the block reader
 * leaves a text holding one to js-yaml. One list, so that the checks cannot drift apart.
 */
export const CONTROL_CHARACTERS = '\\x01-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F-\\x84\\x86-\\x9F\\uFFFE\\uFFFF';
