extension Format {
    /// Sizes of one table column in one unit family: binary (KiB, MiB, GiB, TiB) when every value is a whole
    /// multiple of 1 KiB, else decimal (KB, MB, GB, TB), so a column never mixes MB and MiB.
    /// Returns the texts and the family's name for the header ("KiB/MiB/GiB" or "KB/MB/GB").
    public static func bytesColumn(_ values: [Int64]) -> (texts: [String], family: String) {
        let binary = values.allSatisfy { $0 < 1024 || $0 % 1024 == 0 }
        let units: [(Double, String)] = binary
            ? [(1099511627776, "TiB"), (1073741824, "GiB"), (1048576, "MiB"), (1024, "KiB")]
            : [(1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "KB")]
        let texts = values.map { v -> String in
            for (unit, name) in units where Double(v) >= unit { return number(Double(v) / unit) + " " + name }
            return "\(v) B"
        }
        return (texts, binary ? "KiB/MiB/GiB" : "KB/MB/GB")
    }
}
