using System.Data.Common;

namespace Maintenance.Data.Storage;

/// <summary>
/// The columns of <c>tickers</c> in one place, for the PostgreSQL and SQLite stores alike: what an upsert writes and
/// merges, and how a selected row reads back.
/// </summary>
internal static class TickerRows
{
    /// <summary>Every column besides symbol, active, first_seen and updated_at, in the order <see cref="Read"/> expects.</summary>
    public static readonly IReadOnlyList<TickerColumn> Merged =
    [
        new("name", t => t.Name),
        new("exchange", t => t.Exchange),
        new("type", t => t.Type),
        new("market_cap", t => t.MarketCap),
        new("float_shares", t => t.FloatShares),
        new("shares_outstanding", t => t.SharesOutstanding),
        new("sector", t => t.Sector),
        new("industry", t => t.Industry),
        new("cik", t => t.Cik),
        new("description", t => t.Description),
        new("homepage_url", t => t.HomepageUrl),
        new("phone_number", t => t.PhoneNumber),
        new("address1", t => t.Address1),
        new("city", t => t.City),
        new("state", t => t.State),
        new("postal_code", t => t.PostalCode),
        new("total_employees", t => t.TotalEmployees),
        new("list_date", t => t.ListDate),
        new("logo_url", t => t.LogoUrl),
        new("icon_url", t => t.IconUrl),
        new("composite_figi", t => t.CompositeFigi),
        new("share_class_figi", t => t.ShareClassFigi),
        new("ticker_root", t => t.TickerRoot),
        new("ticker_suffix", t => t.TickerSuffix),
        new("currency_name", t => t.CurrencyName),
        new("locale", t => t.Locale),
        new("market", t => t.Market),
        new("round_lot", t => t.RoundLot),
        new("delisted_utc", t => t.DelistedUtc),
    ];

    /// <summary>The merged columns, comma-separated, each name formatted by <paramref name="format"/> (<c>{0}</c> is the name).</summary>
    public static string List(string format) =>
        string.Join(", ", Merged.Select(c => string.Format(System.Globalization.CultureInfo.InvariantCulture, format, c.Name)));

    /// <summary>The select list that <see cref="Read"/> reads.</summary>
    public static string SelectList { get; } = "symbol, active, first_seen, updated_at, " + List("{0}");

    public static Ticker Read(DbDataReader reader)
    {
        var i = 4;
        return new Ticker
        {
            Symbol = reader.GetString(0),
            Active = reader.GetBoolean(1),
            FirstSeen = reader.IsDBNull(2) ? null : reader.GetFieldValue<DateOnly>(2),
            UpdatedAt = reader.GetFieldValue<DateTimeOffset>(3),
            Name = Text(reader, i++),
            Exchange = Text(reader, i++),
            Type = Text(reader, i++),
            MarketCap = Double(reader, i++),
            FloatShares = Int64(reader, i++),
            SharesOutstanding = Int64(reader, i++),
            Sector = Text(reader, i++),
            Industry = Text(reader, i++),
            Cik = Text(reader, i++),
            Description = Text(reader, i++),
            HomepageUrl = Text(reader, i++),
            PhoneNumber = Text(reader, i++),
            Address1 = Text(reader, i++),
            City = Text(reader, i++),
            State = Text(reader, i++),
            PostalCode = Text(reader, i++),
            TotalEmployees = Int32(reader, i++),
            ListDate = Date(reader, i++),
            LogoUrl = Text(reader, i++),
            IconUrl = Text(reader, i++),
            CompositeFigi = Text(reader, i++),
            ShareClassFigi = Text(reader, i++),
            TickerRoot = Text(reader, i++),
            TickerSuffix = Text(reader, i++),
            CurrencyName = Text(reader, i++),
            Locale = Text(reader, i++),
            Market = Text(reader, i++),
            RoundLot = Int32(reader, i++),
            DelistedUtc = Instant(reader, i++),
        };
    }

    private static string? Text(DbDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetString(i);

    private static double? Double(DbDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetDouble(i);

    private static DateOnly? Date(DbDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetFieldValue<DateOnly>(i);

    private static DateTimeOffset? Instant(DbDataReader reader, int i) =>
        reader.IsDBNull(i) ? null : reader.GetFieldValue<DateTimeOffset>(i).ToUniversalTime();

    private static long? Int64(DbDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetInt64(i);

    private static int? Int32(DbDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetInt32(i);
}
