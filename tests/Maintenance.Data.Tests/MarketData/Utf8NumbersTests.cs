using System.Text;
using Maintenance.Data.MarketData;
using Maintenance.Data.MarketData.FlatFiles;

namespace Maintenance.Data.Tests.MarketData;

public sealed class Utf8NumbersTests
{
    [Theory]
    [InlineData("0", 0.0)]
    [InlineData("150.25", 150.25)]
    [InlineData("0.0001", 0.0001)]
    [InlineData("-2.5", -2.5)]
    [InlineData("12", 12.0)]
    [InlineData("1e3", 1000.0)]
    [InlineData("1.5E-2", 0.015)]
    [InlineData("123456789012345678901.5", 123456789012345678901.5)]
    [InlineData("0.1234567890123456789", 0.1234567890123456789)]
    public void Doubles_parse_to_the_same_value_as_the_framework(string text, double expected)
    {
        Assert.True(Utf8Numbers.TryParseDouble(Encoding.ASCII.GetBytes(text), out var value));
        Assert.Equal(expected, value);
        Assert.Equal(double.Parse(text, System.Globalization.CultureInfo.InvariantCulture), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("1.2.3")]
    [InlineData("12x")]
    [InlineData(".")]
    public void Non_numbers_are_rejected(string text) =>
        Assert.False(Utf8Numbers.TryParseDouble(Encoding.ASCII.GetBytes(text), out _));

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("1762160400000000000", 1762160400000000000L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    [InlineData("-7", -7L)]
    [InlineData("1234.0", 1234L)]
    [InlineData("10.5", 11L)]
    public void Whole_numbers_parse_exactly(string text, long expected)
    {
        Assert.True(Utf8Numbers.TryParseInt64(Encoding.ASCII.GetBytes(text), out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1a")]
    [InlineData("99999999999999999999999")]
    [InlineData("9223372036854775808")]
    [InlineData("9999999999999999999")]
    public void Non_whole_numbers_are_rejected(string text) =>
        Assert.False(Utf8Numbers.TryParseInt64(Encoding.ASCII.GetBytes(text), out _));
}
