#ifndef C_PHONE_NUMBER_H
#define C_PHONE_NUMBER_H

#ifdef __cplusplus
extern "C" {
#endif

/// Why a text is not a usable phone number, or CPN_OK.
typedef enum {
    CPN_OK = 0,
    /// The default region is not one libphonenumber knows.
    CPN_UNKNOWN_REGION = 1,
    /// No country calling code matches (after `+`/`00`, or for the default region).
    CPN_INVALID_COUNTRY_CODE = 2,
    /// The text holds no phone number at all.
    CPN_NOT_A_NUMBER = 3,
    /// Too few digits after an international prefix.
    CPN_TOO_SHORT_AFTER_IDD = 4,
    /// Shorter than every number of the region.
    CPN_TOO_SHORT = 5,
    /// Longer than every number of the region.
    CPN_TOO_LONG = 6,
    /// Between the region's shortest and longest numbers, but no number has this length.
    CPN_INVALID_LENGTH = 7,
    /// Dialable only within an area (a local number without its area code).
    CPN_LOCAL_ONLY = 8,
    /// The right length but not in the region's numbering plan (an unassigned range).
    CPN_INVALID_FOR_REGION = 9,
    /// The input is longer than the shim accepts.
    CPN_INPUT_TOO_LONG = 10
} cpn_status;

/// The kind of line, as libphonenumber's PhoneNumberUtil::PhoneNumberType, in the same order.
typedef enum {
    CPN_FIXED_LINE = 0,
    CPN_MOBILE = 1,
    CPN_FIXED_LINE_OR_MOBILE = 2,
    CPN_TOLL_FREE = 3,
    CPN_PREMIUM_RATE = 4,
    CPN_SHARED_COST = 5,
    CPN_VOIP = 6,
    CPN_PERSONAL_NUMBER = 7,
    CPN_PAGER = 8,
    CPN_UAN = 9,
    CPN_VOICEMAIL = 10,
    CPN_UNKNOWN = 11
} cpn_type;

/// One parse's result. `e164` is filled whenever the text parsed (even when status says it is not valid), so
/// that every spelling of one number gives one key.
typedef struct {
    int status;
    int type;
    int country_code;
    int has_extension;
    char e164[32];
    char region[4];
} cpn_number;

/// Parses `text` (UTF-8, NUL-terminated), numbers without a country code being national to `default_region`
/// (ISO 3166-1 alpha-2, e.g. "US"). Never fails to fill `out`.
void cpn_parse(const char *text, const char *default_region, cpn_number *out);

/// 1 when libphonenumber has a numbering plan for `region`, else 0.
int cpn_is_supported_region(const char *region);

/// How many regions libphonenumber knows.
int cpn_supported_region_count(void);

#ifdef __cplusplus
}
#endif

#endif
