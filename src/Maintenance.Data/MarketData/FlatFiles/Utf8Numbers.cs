using System.Globalization;

namespace Maintenance.Data.MarketData.FlatFiles;

/// <summary>
/// Number parsing straight from UTF-8 bytes, for the flat-file hot loop. Plain decimals ("123.45") take a
/// fast path that is still exactly rounded: an integer mantissa below 2^53 divided by an exact power of ten
/// is one correctly rounded IEEE division. Anything else (exponents, long mantissas) goes to the framework.
/// </summary>
internal static class Utf8Numbers
{
    private const ulong MaxExactMantissa = 1UL << 53;

    private static readonly double[] PowersOfTen =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    public static bool TryParseDouble(ReadOnlySpan<byte> text, out double value)
    {
        var i = 0;
        var negative = false;
        if (text.Length > 0 && text[0] == (byte)'-')
        {
            negative = true;
            i = 1;
        }

        ulong mantissa = 0;
        var digits = 0;
        var scale = 0;
        var afterPoint = false;
        for (; i < text.Length; i++)
        {
            var c = text[i];
            var d = (uint)(c - '0');
            if (d <= 9)
            {
                if (digits >= 19)
                {
                    return TryParseSlow(text, out value);
                }

                mantissa = (mantissa * 10) + d;
                digits++;
                if (afterPoint)
                {
                    scale++;
                }
            }
            else if (c == (byte)'.' && !afterPoint)
            {
                afterPoint = true;
            }
            else
            {
                return TryParseSlow(text, out value);
            }
        }

        if (digits == 0 || mantissa > MaxExactMantissa || scale >= PowersOfTen.Length)
        {
            return TryParseSlow(text, out value);
        }

        value = mantissa / PowersOfTen[scale];
        if (negative)
        {
            value = -value;
        }

        return true;
    }

    /// <summary>A whole number; a decimal with a fraction (fractional-share volume) is rounded to the nearest.</summary>
    public static bool TryParseInt64(ReadOnlySpan<byte> text, out long value)
    {
        // Nineteen digits never overflow an unsigned long: a window_start in nanoseconds (19 digits) stays on the fast path.
        if (text.Length is > 0 and <= 19)
        {
            ulong result = 0;
            var i = 0;
            for (; i < text.Length; i++)
            {
                var d = (uint)(text[i] - '0');
                if (d > 9)
                {
                    break;
                }

                result = (result * 10) + d;
            }

            if (i == text.Length && result <= long.MaxValue)
            {
                value = (long)result;
                return true;
            }
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
        {
            return true;
        }

        if (TryParseSlow(text, out var number) && double.IsFinite(number) && Math.Abs(number) < 9e18)
        {
            value = (long)Math.Round(number, MidpointRounding.AwayFromZero);
            return true;
        }

        value = 0;
        return false;
    }

    private static bool TryParseSlow(ReadOnlySpan<byte> text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
}
