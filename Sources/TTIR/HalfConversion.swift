/// Conversions between `Float` and IEEE 754 binary16 bit patterns.
///
/// Implemented by hand (rather than with `Float16`) so that the module builds on every
/// platform, including Intel macOS where `Float16` is unavailable.
public enum HalfConversion {
  /// Converts a binary16 bit pattern to the `Float` it represents (exact).
  public static func float(fromHalfBits bits: UInt16) -> Float {
    let sign = UInt32(bits & 0x8000) << 16
    let exponent = Int((bits >> 10) & 0x1F)
    let mantissa = UInt32(bits & 0x3FF)
    if exponent == 0x1F {
      return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
    }
    if exponent == 0 {
      // Zero or subnormal: mantissa × 2^-24.
      let magnitude = Float(mantissa) * 0x1p-24
      return sign == 0 ? magnitude : -magnitude
    }
    return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | mantissa << 13)
  }

  /// Converts a `Float` to the nearest binary16 bit pattern (round to nearest, ties to even).
  ///
  /// Values beyond the half range become infinities; NaN stays NaN.
  public static func halfBits(from value: Float) -> UInt16 {
    let bits = value.bitPattern
    let sign = UInt16((bits >> 16) & 0x8000)
    let exponent = Int((bits >> 23) & 0xFF)
    let mantissa = bits & 0x7F_FFFF
    if exponent == 0xFF {
      return sign | 0x7C00 | (mantissa == 0 ? 0 : 0x200 | UInt16(mantissa >> 13))
    }
    let halfExponent = exponent - 127 + 15
    if halfExponent >= 0x1F { return sign | 0x7C00 }
    if halfExponent <= 0 {
      // Subnormal half (or zero): shift the full significand right with rounding.
      if halfExponent < -10 { return sign }
      let significand = mantissa | 0x80_0000
      let shift = UInt32(14 - halfExponent)
      return sign | UInt16(roundShift(significand, by: shift))
    }
    let rounded = roundShift(mantissa, by: 13)
    // A carry out of the mantissa correctly bumps the exponent (possibly to infinity).
    return sign | UInt16((UInt32(halfExponent) << 10) + rounded)
  }

  /// Shifts `value` right by `shift` bits, rounding to nearest with ties to even.
  private static func roundShift(_ value: UInt32, by shift: UInt32) -> UInt32 {
    let truncated = value >> shift
    let remainder = value & ((1 << shift) - 1)
    let half: UInt32 = 1 << (shift - 1)
    if remainder > half || (remainder == half && truncated & 1 == 1) {
      return truncated + 1
    }
    return truncated
  }
}
