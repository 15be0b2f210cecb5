import ArgumentParser
struct QRCommand: AsyncParsableCommand { static let configuration = CommandConfiguration(commandName: "qr") }
