/* Parses phone numbers through the CPhoneNumber shim N times (default 100 000), for LeakSanitizer or valgrind:
 * the test builds it with the shim's own source (Sources/CPhoneNumber/CPhoneNumber.cpp). Built with
 * -DLEAK_ON_PURPOSE it loses one allocation per parse, to show the checker catches a leak. */
#include "CPhoneNumber.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    static const char *inputs[] = {
        "(217) 555-0100", "+44 7400 123456", "020 7946 0018", "+49 30 123456", "0151 23456789", "12345", "hello",
        "+999 1234 5678", "217 555 0100 x12", "+1 555 123 4567", "011 44 20 7946 0018", "555-CALL-NOW",
        "+81 90-1234-5678", "", "+1 217 555 0100 1234 5678 9012 3456",
    };
    static const char *regions[] = {"US", "GB", "DE", "JP", "BR", "ZZ"};
    const int inputCount = (int)(sizeof inputs / sizeof inputs[0]);
    const int regionCount = (int)(sizeof regions / sizeof regions[0]);
    long count = argc > 1 ? atol(argv[1]) : 100000;
    long valid = 0;
    for (long i = 0; i < count; i++) {
        cpn_number number;
        cpn_parse(inputs[i % inputCount], regions[(i / inputCount) % regionCount], &number);
        valid += number.status == CPN_OK;
#ifdef LEAK_ON_PURPOSE
        /* Each block is reachable only until the next iteration overwrites the pointer. */
        static char *volatile last;
        char *block = (char *)malloc(16);
        if (block != NULL) memcpy(block, number.e164, 16);
        last = block;
#endif
    }
    printf("parses %ld: %ld valid, %d regions\n", count, valid, cpn_supported_region_count());
    return 0;
}
