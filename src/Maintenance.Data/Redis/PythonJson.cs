using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Maintenance.Data.Redis;

/// <summary>
/// JSON values written the way the platform's Python services wrote (and their readers parse) them: floats always
/// with a decimal point or exponent (<c>json.dumps(12.0)</c> is <c>12.0</c>, so a reader never gets an int where
/// the model has a float), and instants as <c>datetime.isoformat()</c> of an aware UTC time
/// (<c>2025-12-02T08:00:00.123456+00:00</c>: six fraction digits and an offset, which <c>datetime.fromisoformat</c>
/// of every Python 3 version accepts; seven digits or a <c>Z</c> it does not before 3.11).
/// </summary>
public static class PythonJson
{
    /// <summary>Shortest round-trip digits, with <c>.0</c> added to a whole number.</summary>
    public static string Number(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "JSON has no NaN or infinity.");
        }

        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('.', StringComparison.Ordinal) || text.Contains('E', StringComparison.Ordinal) ? text : text + ".0";
    }

    /// <summary>UTC, microseconds, <c>+00:00</c>.</summary>
    public static string Instant(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'+00:00'", CultureInfo.InvariantCulture);

    /// <summary><c>yyyy-MM-dd</c>, as <c>date.isoformat()</c>.</summary>
    public static string Date(DateOnly value) => value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Writes doubles with <see cref="Number"/>.</summary>
    public sealed class FloatConverter : JsonConverter<double>
    {
        public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDouble();

        public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
        {
            ArgumentNullException.ThrowIfNull(writer);
            writer.WriteRawValue(Number(value), skipInputValidation: true);
        }
    }

    /// <summary>Writes instants with <see cref="Instant"/>.</summary>
    public sealed class InstantConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            DateTimeOffset.Parse(reader.GetString()!, CultureInfo.InvariantCulture);

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
        {
            ArgumentNullException.ThrowIfNull(writer);
            writer.WriteStringValue(Instant(value));
        }
    }
}
