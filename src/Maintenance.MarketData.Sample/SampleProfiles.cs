using System.Globalization;
using Maintenance.Data.MarketData;
using Maintenance.Data.Storage;

namespace Maintenance.MarketData.Sample;

/// <summary>
/// The company profile part of the sample's ticker details (what Polygon's ticker details v3 add to the basics):
/// a pure function of (seed, ticker), drawn from its own random stream so the prices and volumes stay as they were.
/// As with Polygon, ETFs have no address, phone, employee count or logo, and some stocks (about one in eight) have
/// no profile at all; addresses, phones and URLs are made up (example.com, 555 numbers).
/// </summary>
internal static class SampleProfiles
{
    public const double StocksWithoutProfile = 0.12;

    private static readonly (string City, string State, string PostalCode)[] Places =
    [
        ("NEW YORK", "NY", "10017"),
        ("SAN JOSE", "CA", "95134"),
        ("AUSTIN", "TX", "78701"),
        ("BOSTON", "MA", "02110"),
        ("CHICAGO", "IL", "60606"),
        ("DENVER", "CO", "80202"),
        ("SEATTLE", "WA", "98101"),
        ("MIAMI", "FL", "33131"),
        ("ATLANTA", "GA", "30303"),
        ("MINNEAPOLIS", "MN", "55402"),
    ];

    private static readonly string[] Streets = ["MAIN STREET", "MARKET STREET", "PARK AVENUE", "HARBOR DRIVE", "INNOVATION WAY", "COMMERCE BLVD"];

    // FIGIs use digits and consonants only.
    private const string FigiCharacters = "0123456789BCDFGHJKLMNPQRSTVWXYZ";

    public static Ticker WithProfile(Ticker details, SampleTicker ticker, int seed, DateOnly asOf)
    {
        var random = SampleRandom.For(seed, ticker.Key, 0x70726F66);
        var listDate = ticker.ListedOn ?? new DateOnly(1980, 1, 2).AddDays(random.NextInt(15_600));
        DateTimeOffset? delisted = ticker.DelistedAfter is { } last && last < asOf
            ? new DateTimeOffset(last.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)
            : null;
        var common = details with
        {
            ListDate = listDate,
            CompositeFigi = Figi(ref random),
            ShareClassFigi = Figi(ref random),
            TickerRoot = ticker.Symbol,
            CurrencyName = "usd",
            Locale = "us",
            Market = "stocks",
            RoundLot = 100,
            DelistedUtc = delisted,
        };

        var slug = ticker.Name.Replace(" ", "", StringComparison.Ordinal).Replace(".", "", StringComparison.Ordinal).ToLowerInvariant();
        if (ticker.Type == "ETF")
        {
            return common with
            {
                Description = $"The {ticker.Name} seeks to track the performance of its underlying index, before fees and expenses.",
                HomepageUrl = $"https://www.{slug}.example.com",
            };
        }

        if (random.NextDouble() < StocksWithoutProfile)
        {
            return common;
        }

        var (city, state, postalCode) = Places[random.NextInt(Places.Length)];
        var street = Streets[random.NextInt(Streets.Length)];
        var employees = (int)Math.Clamp(Math.Round(random.NextLogNormal(1_500, 1.6)), 5, 400_000);
        var industry = (ticker.SicDescription ?? "diversified").ToLowerInvariant();
        return common with
        {
            Description = $"{ticker.Name} operates in {industry}. The company is headquartered in {ToTitle(city)}, {state}.",
            HomepageUrl = $"https://www.{slug}.example.com",
            PhoneNumber = string.Create(CultureInfo.InvariantCulture, $"(555) {100 + random.NextInt(900)}-{random.NextInt(10_000):D4}"),
            Address1 = string.Create(CultureInfo.InvariantCulture, $"{1 + random.NextInt(9_999)} {street}"),
            City = city,
            State = state,
            PostalCode = postalCode,
            TotalEmployees = employees,
            LogoUrl = $"https://branding.example.com/{ticker.Symbol}/logo.svg",
            IconUrl = $"https://branding.example.com/{ticker.Symbol}/icon.png",
        };
    }

    private static string Figi(ref SampleRandom random)
    {
        Span<char> tail = stackalloc char[9];
        for (var i = 0; i < tail.Length; i++)
        {
            tail[i] = FigiCharacters[random.NextInt(FigiCharacters.Length)];
        }

        return "BBG" + new string(tail);
    }

    private static string ToTitle(string upper) => CultureInfo.InvariantCulture.TextInfo.ToTitleCase(upper.ToLowerInvariant());
}
