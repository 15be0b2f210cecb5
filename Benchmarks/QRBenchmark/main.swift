import SpruceQR
let code = try QRCode(text: "https://spruce.care/123456")
print(code.version, code.width)
try PNGRenderer().write(code, to: "/tmp/qrt/a.png")
try PNGRenderer(options: RenderOptions(foreground: RGBAColor(hex: "#1A7F37"), background: RGBAColor(hex: "#FFFFFF80")), dpi: 300).write(code, to: "/tmp/qrt/b.png")
try SVGRenderer().write(code, to: "/tmp/qrt/c.svg")
print(try TerminalRenderer().render(code))
