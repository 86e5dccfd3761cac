using System.Globalization;

namespace Maintenance.MarketData.Sample;

/// <summary>
/// The tickers of the sample market: a pure function of (size, seed). About 8% are new listings and 8%
/// delistings, on dates spread over 2024-2027, so any few months of sample data see some of each.
/// </summary>
public sealed class SampleUniverse
{
    public static readonly DateOnly ListingWindowStart = new(2024, 1, 1);
    public static readonly DateOnly ListingWindowEnd = new(2027, 12, 31);

    private static readonly string[] NameWords =
    [
        "Atlas", "Summit", "Harbor", "Pioneer", "Northern", "Crescent", "Granite", "Silver", "Blue", "Meridian",
        "Evergreen", "Redwood", "Liberty", "Quantum", "Vertex", "Cobalt", "Falcon", "Orion", "Prairie", "Keystone",
    ];

    private static readonly string[] NameNouns =
    [
        "Holdings", "Technologies", "Therapeutics", "Energy", "Financial", "Industries", "Brands", "Systems",
        "Resources", "Networks", "Bancorp", "Logistics", "Biosciences", "Motors", "Realty", "Foods",
    ];

    private static readonly (string Code, string Description)[] Industries =
    [
        ("0100", "AGRICULTURAL PRODUCTION-CROPS"),
        ("1040", "GOLD AND SILVER ORES"),
        ("1311", "CRUDE PETROLEUM & NATURAL GAS"),
        ("1531", "OPERATIVE BUILDERS"),
        ("2080", "BEVERAGES"),
        ("2834", "PHARMACEUTICAL PREPARATIONS"),
        ("3571", "ELECTRONIC COMPUTERS"),
        ("3674", "SEMICONDUCTORS & RELATED DEVICES"),
        ("3711", "MOTOR VEHICLES & PASSENGER CAR BODIES"),
        ("4512", "AIR TRANSPORTATION, SCHEDULED"),
        ("4813", "TELEPHONE COMMUNICATIONS (NO RADIOTELEPHONE)"),
        ("4911", "ELECTRIC SERVICES"),
        ("5045", "WHOLESALE-COMPUTERS & PERIPHERAL EQUIPMENT & SOFTWARE"),
        ("5812", "RETAIL-EATING PLACES"),
        ("5961", "RETAIL-CATALOG & MAIL-ORDER HOUSES"),
        ("6022", "STATE COMMERCIAL BANKS"),
        ("6798", "REAL ESTATE INVESTMENT TRUSTS"),
        ("7372", "SERVICES-PREPACKAGED SOFTWARE"),
        ("8731", "SERVICES-COMMERCIAL PHYSICAL & BIOLOGICAL RESEARCH"),
        ("9995", "NON-OPERATING ESTABLISHMENTS"),
    ];

    private readonly Dictionary<string, SampleTicker> _bySymbol;

    private SampleUniverse(int seed, SampleTicker[] tickers)
    {
        Seed = seed;
        Tickers = tickers;
        _bySymbol = tickers.ToDictionary(t => t.Symbol, StringComparer.Ordinal);
    }

    public int Seed { get; }

    /// <summary>All tickers, in ordinal symbol order (the order of the flat files).</summary>
    public IReadOnlyList<SampleTicker> Tickers { get; }

    public static SampleUniverse Create(int size, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        var symbols = new HashSet<string>(StringComparer.Ordinal);
        var tickers = new SampleTicker[size];
        for (var key = 0; key < size; key++)
        {
            var random = SampleRandom.For(seed, key, 0x756E69);
            string symbol;
            do
            {
                symbol = DrawSymbol(ref random);
            }
            while (!symbols.Add(symbol));

            tickers[key] = DrawTicker(key, symbol, ref random);
        }

        Array.Sort(tickers, (a, b) => string.CompareOrdinal(a.Symbol, b.Symbol));
        return new SampleUniverse(seed, tickers);
    }

    public SampleTicker? Find(string symbol) => _bySymbol.GetValueOrDefault(symbol);

    private static string DrawSymbol(ref SampleRandom random)
    {
        var roll = random.NextDouble();
        var length = roll < 0.02 ? 1 : roll < 0.12 ? 2 : roll < 0.45 ? 3 : 4;
        Span<char> letters = stackalloc char[length];
        for (var i = 0; i < length; i++)
        {
            letters[i] = (char)('A' + random.NextInt(26));
        }

        return new string(letters);
    }

    private static SampleTicker DrawTicker(int key, string symbol, ref SampleRandom random)
    {
        var kind = random.NextDouble();
        var (type, exchange) = kind < 0.10 ? ("ETF", "ARCX")
            : kind < 0.13 ? ("ADRC", "XNYS")
            : random.NextDouble() < 0.6 ? ("CS", "XNAS") : ("CS", "XNYS");

        var startPrice = Math.Clamp(random.NextLogNormal(25, 1.3), 0.2, 3000);
        var volatility = 0.008 + (0.045 * Math.Pow(random.NextDouble(), 2)) + (startPrice < 5 ? 0.02 : 0);
        var averageDailyVolume = Math.Clamp(random.NextLogNormal(250_000, 2.0), 300, 150_000_000);
        // Busier tickers trade in more minutes; the quietest in a few percent of them.
        var liquidity = Math.Clamp(Math.Sqrt(averageDailyVolume / 2_000_000.0), 0.02, 1.0);
        var averageTradeSize = random.NextDouble(40, 250);

        var windowDays = ListingWindowEnd.DayNumber - ListingWindowStart.DayNumber;
        DateOnly? listedOn = null;
        DateOnly? delistedAfter = null;
        var fate = random.NextDouble();
        if (fate < 0.08)
        {
            listedOn = ListingWindowStart.AddDays(random.NextInt(windowDays));
        }
        else if (fate < 0.16)
        {
            delistedAfter = ListingWindowStart.AddDays(random.NextInt(windowDays));
        }

        var marketCap = Math.Clamp(random.NextLogNormal(1.5e9, 1.8), 5e6, 3e12);
        var shares = (long)Math.Max(100_000, Math.Round(marketCap / startPrice));
        var weighted = (long)Math.Round(shares * random.NextDouble(0.97, 1.01));
        var floatShares = (long)Math.Round(shares * random.NextDouble(0.45, 0.98));

        var name = $"{NameWords[random.NextInt(NameWords.Length)]} {NameNouns[random.NextInt(NameNouns.Length)]}";
        string? sicCode = null;
        string? sicDescription = null;
        if (type == "ETF")
        {
            name += " ETF";
        }
        else
        {
            (sicCode, sicDescription) = Industries[random.NextInt(Industries.Length)];
            name += type == "ADRC" ? " ADR" : " Inc.";
        }

        var cik = (1_000_000 + random.NextInt(1_000_000)).ToString("D10", CultureInfo.InvariantCulture);
        return new SampleTicker(
            key,
            symbol,
            name,
            exchange,
            type,
            startPrice,
            volatility,
            averageDailyVolume,
            liquidity,
            averageTradeSize,
            listedOn,
            delistedAfter,
            shares,
            weighted,
            floatShares,
            sicCode,
            sicDescription,
            cik);
    }
}
