import SpruceCore

// Parses phone numbers through libphonenumber many times, so that valgrind can show the C++ shim and its Swift
// wrapper leak nothing: `PhoneLeakCheck [count]` (default 100 000) prints how many parsed, were refused, were keyed.
let inputs = [
    "(217) 555-0100", "+44 7400 123456", "020 7946 0018", "+49 30 123456", "0151 23456789", "12345", "hello",
    "+999 1234 5678", "217 555 0100 x12", "+1 555 123 4567", "011 44 20 7946 0018", "+1 217 555 0100 1234 5678 9012",
    "555-CALL-NOW", "+81 90-1234-5678", "", String(repeating: "9", count: 60),
]
let regions = ["US", "GB", "DE", "JP", "BR"]
let count = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 100_000
var parsed = 0
var refused = 0
var keys = 0
for index in 0..<count {
    let input = inputs[index % inputs.count]
    let region = regions[(index / inputs.count) % regions.count]
    // One parse per iteration: alternately a full parse and a rate-limit key.
    if index.isMultiple(of: 2) {
        do {
            let number = try PhoneNumber(parsing: input, defaultRegion: region)
            parsed += number.e164.isEmpty ? 0 : 1
        } catch {
            refused += error.rule.isEmpty ? 0 : 1
        }
    } else if PhoneNumber.canonicalKey(for: input, defaultRegion: region) != nil {
        keys += 1
    }
}
print("parses \(count): \(parsed) valid, \(refused) refused, \(keys) keyed")
