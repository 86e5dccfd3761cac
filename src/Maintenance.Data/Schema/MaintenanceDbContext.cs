using Microsoft.EntityFrameworkCore;
using Maintenance.Data.Storage;

namespace Maintenance.Data.Schema;

/// <summary>
/// The market-data tables of docs/DESIGN.md. The bulk paths (<see cref="IMarketStore"/>) write them with the
/// provider's own bulk API; this context owns their schema (PostgreSQL migrations, SQLite creation) and
/// serves ad-hoc queries.
/// </summary>
public sealed class MaintenanceDbContext(DbContextOptions<MaintenanceDbContext> options) : DbContext(options)
{
    /// <summary>The tables this context owns; another context (the saga's) may share the database.</summary>
    public static readonly IReadOnlyList<string> TableNames = ["tickers", "daily_bars", "volume_slots", "atr_values"];

    public DbSet<Ticker> Tickers => Set<Ticker>();
    public DbSet<DailyBarRow> DailyBars => Set<DailyBarRow>();
    public DbSet<VolumeSlotRow> VolumeSlots => Set<VolumeSlotRow>();
    public DbSet<AtrValueRow> AtrValues => Set<AtrValueRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);

        modelBuilder.Entity<Ticker>(t =>
        {
            t.ToTable("tickers");
            t.HasKey(x => x.Symbol).HasName("pk_tickers");
            t.Property(x => x.Symbol).HasColumnName("symbol");
            t.Property(x => x.Name).HasColumnName("name");
            t.Property(x => x.Exchange).HasColumnName("exchange");
            t.Property(x => x.Type).HasColumnName("type");
            t.Property(x => x.Active).HasColumnName("active");
            t.Property(x => x.MarketCap).HasColumnName("market_cap");
            t.Property(x => x.FloatShares).HasColumnName("float_shares");
            t.Property(x => x.SharesOutstanding).HasColumnName("shares_outstanding");
            t.Property(x => x.Sector).HasColumnName("sector");
            t.Property(x => x.Industry).HasColumnName("industry");
            t.Property(x => x.Cik).HasColumnName("cik");
            t.Property(x => x.FirstSeen).HasColumnName("first_seen");
            t.Property(x => x.UpdatedAt).HasColumnName("updated_at");
            t.Property(x => x.Description).HasColumnName("description");
            t.Property(x => x.HomepageUrl).HasColumnName("homepage_url");
            t.Property(x => x.PhoneNumber).HasColumnName("phone_number");
            t.Property(x => x.Address1).HasColumnName("address1");
            t.Property(x => x.City).HasColumnName("city");
            t.Property(x => x.State).HasColumnName("state");
            t.Property(x => x.PostalCode).HasColumnName("postal_code");
            t.Property(x => x.TotalEmployees).HasColumnName("total_employees");
            t.Property(x => x.ListDate).HasColumnName("list_date");
            t.Property(x => x.LogoUrl).HasColumnName("logo_url");
            t.Property(x => x.IconUrl).HasColumnName("icon_url");
            t.Property(x => x.CompositeFigi).HasColumnName("composite_figi");
            t.Property(x => x.ShareClassFigi).HasColumnName("share_class_figi");
            t.Property(x => x.TickerRoot).HasColumnName("ticker_root");
            t.Property(x => x.TickerSuffix).HasColumnName("ticker_suffix");
            t.Property(x => x.CurrencyName).HasColumnName("currency_name");
            t.Property(x => x.Locale).HasColumnName("locale");
            t.Property(x => x.Market).HasColumnName("market");
            t.Property(x => x.RoundLot).HasColumnName("round_lot");
            t.Property(x => x.DelistedUtc).HasColumnName("delisted_utc");
            // The universe query (active symbols) runs every day.
            t.HasIndex(x => x.Active).HasDatabaseName("ix_tickers_active");
        });

        modelBuilder.Entity<DailyBarRow>(b =>
        {
            b.ToTable("daily_bars");
            // Symbol first: ATR reads each symbol's history by date.
            b.HasKey(x => new { x.Symbol, x.TradingDate }).HasName("pk_daily_bars");
            b.Property(x => x.TradingDate).HasColumnName("trading_date");
            b.Property(x => x.Symbol).HasColumnName("symbol");
            b.Property(x => x.Open).HasColumnName("open");
            b.Property(x => x.High).HasColumnName("high");
            b.Property(x => x.Low).HasColumnName("low");
            b.Property(x => x.Close).HasColumnName("close");
            b.Property(x => x.Volume).HasColumnName("volume");
            b.Property(x => x.Vwap).HasColumnName("vwap");
            b.Property(x => x.Trades).HasColumnName("trades");
            // Replacing a day, the days present and a window of all symbols read by date.
            b.HasIndex(x => x.TradingDate).HasDatabaseName("ix_daily_bars_trading_date");
        });

        modelBuilder.Entity<VolumeSlotRow>(v =>
        {
            v.ToTable("volume_slots", t => t.HasCheckConstraint("ck_volume_slots_slot", "slot >= 0 AND slot <= 191"));
            // Date first: a day is written and replaced as a whole, and RVOL reads whole days.
            v.HasKey(x => new { x.TradingDate, x.Symbol, x.Slot }).HasName("pk_volume_slots");
            v.Property(x => x.TradingDate).HasColumnName("trading_date");
            v.Property(x => x.Symbol).HasColumnName("symbol");
            v.Property(x => x.Slot).HasColumnName("slot");
            v.Property(x => x.Volume).HasColumnName("volume");
            v.Property(x => x.AccumulatedVolume).HasColumnName("accumulated_volume");
            v.Property(x => x.Trades).HasColumnName("trades");
        });

        modelBuilder.Entity<AtrValueRow>(a =>
        {
            a.ToTable("atr_values");
            a.HasKey(x => new { x.TradingDate, x.Symbol, x.Period, x.Method }).HasName("pk_atr_values");
            a.Property(x => x.TradingDate).HasColumnName("trading_date");
            a.Property(x => x.Symbol).HasColumnName("symbol");
            a.Property(x => x.Period).HasColumnName("period");
            a.Property(x => x.Method).HasColumnName("method");
            a.Property(x => x.Atr).HasColumnName("atr");
            a.Property(x => x.AtrPercent).HasColumnName("atr_percent");
            a.HasIndex(x => new { x.Symbol, x.TradingDate }).HasDatabaseName("ix_atr_values_symbol_trading_date");
        });
    }
}
