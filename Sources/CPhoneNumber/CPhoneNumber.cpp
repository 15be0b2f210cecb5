// The only code that talks to libphonenumber (C++): plain C functions over fixed-size structs, so no C++ type,
// exception or allocation crosses into Swift.
#include "CPhoneNumber.h"

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <cstdio>
#include <cstring>
#include <set>
#include <string>

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

namespace {

const size_t kMaximumInput = 250;

int status_for_parse_error(PhoneNumberUtil::ErrorType error) {
    switch (error) {
    case PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR: return CPN_INVALID_COUNTRY_CODE;
    case PhoneNumberUtil::TOO_SHORT_AFTER_IDD: return CPN_TOO_SHORT_AFTER_IDD;
    case PhoneNumberUtil::TOO_SHORT_NSN: return CPN_TOO_SHORT;
    case PhoneNumberUtil::TOO_LONG_NSN: return CPN_TOO_LONG;
    case PhoneNumberUtil::NOT_A_NUMBER:
    default: return CPN_NOT_A_NUMBER;
    }
}

int status_for_possibility(PhoneNumberUtil::ValidationResult result) {
    switch (result) {
    case PhoneNumberUtil::IS_POSSIBLE: return CPN_OK;
    case PhoneNumberUtil::IS_POSSIBLE_LOCAL_ONLY: return CPN_LOCAL_ONLY;
    case PhoneNumberUtil::INVALID_COUNTRY_CODE: return CPN_INVALID_COUNTRY_CODE;
    case PhoneNumberUtil::TOO_SHORT: return CPN_TOO_SHORT;
    case PhoneNumberUtil::TOO_LONG: return CPN_TOO_LONG;
    case PhoneNumberUtil::INVALID_LENGTH:
    default: return CPN_INVALID_LENGTH;
    }
}

}  // namespace

extern "C" void cpn_parse(const char *text, const char *default_region, cpn_number *out) {
    std::memset(out, 0, sizeof(*out));
    out->type = CPN_UNKNOWN;
    if (text == nullptr || default_region == nullptr) {
        out->status = CPN_NOT_A_NUMBER;
        return;
    }
    if (std::strlen(text) > kMaximumInput) {
        out->status = CPN_INPUT_TOO_LONG;
        return;
    }
    const PhoneNumberUtil *util = PhoneNumberUtil::GetInstance();
    const std::string region(default_region);
    if (util->GetCountryCodeForRegion(region) == 0) {
        out->status = CPN_UNKNOWN_REGION;
        return;
    }
    PhoneNumber number;
    const PhoneNumberUtil::ErrorType error = util->Parse(text, region, &number);
    if (error != PhoneNumberUtil::NO_PARSING_ERROR) {
        out->status = status_for_parse_error(error);
        return;
    }
    std::string formatted;
    util->Format(number, PhoneNumberUtil::E164, &formatted);
    std::snprintf(out->e164, sizeof(out->e164), "%s", formatted.c_str());
    out->country_code = number.country_code();
    out->has_extension = number.has_extension() ? 1 : 0;
    std::string number_region;
    util->GetRegionCodeForNumber(number, &number_region);
    if (number_region != "ZZ") std::snprintf(out->region, sizeof(out->region), "%s", number_region.c_str());
    const int possibility = status_for_possibility(util->IsPossibleNumberWithReason(number));
    if (possibility != CPN_OK) {
        out->status = possibility;
        return;
    }
    if (!util->IsValidNumber(number)) {
        out->status = CPN_INVALID_FOR_REGION;
        return;
    }
    out->type = static_cast<int>(util->GetNumberType(number));
    out->status = CPN_OK;
}

extern "C" int cpn_is_supported_region(const char *region) {
    if (region == nullptr) return 0;
    return PhoneNumberUtil::GetInstance()->GetCountryCodeForRegion(std::string(region)) != 0 ? 1 : 0;
}

extern "C" int cpn_supported_region_count(void) {
    std::set<std::string> regions;
    PhoneNumberUtil::GetInstance()->GetSupportedRegions(&regions);
    return static_cast<int>(regions.size());
}
