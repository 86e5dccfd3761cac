using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Maintenance.Data.Migrations
{
    /// <inheritdoc />
    public partial class InitialMarketData : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "atr_values",
                columns: table => new
                {
                    trading_date = table.Column<DateOnly>(type: "date", nullable: false),
                    symbol = table.Column<string>(type: "text", nullable: false),
                    period = table.Column<int>(type: "integer", nullable: false),
                    method = table.Column<string>(type: "text", nullable: false),
                    atr = table.Column<double>(type: "double precision", nullable: false),
                    atr_percent = table.Column<double>(type: "double precision", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_atr_values", x => new { x.trading_date, x.symbol, x.period, x.method });
                });

            migrationBuilder.CreateTable(
                name: "daily_bars",
                columns: table => new
                {
                    symbol = table.Column<string>(type: "text", nullable: false),
                    trading_date = table.Column<DateOnly>(type: "date", nullable: false),
                    open = table.Column<double>(type: "double precision", nullable: false),
                    high = table.Column<double>(type: "double precision", nullable: false),
                    low = table.Column<double>(type: "double precision", nullable: false),
                    close = table.Column<double>(type: "double precision", nullable: false),
                    volume = table.Column<long>(type: "bigint", nullable: false),
                    vwap = table.Column<double>(type: "double precision", nullable: true),
                    trades = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_daily_bars", x => new { x.symbol, x.trading_date });
                });

            migrationBuilder.CreateTable(
                name: "tickers",
                columns: table => new
                {
                    symbol = table.Column<string>(type: "text", nullable: false),
                    name = table.Column<string>(type: "text", nullable: true),
                    exchange = table.Column<string>(type: "text", nullable: true),
                    type = table.Column<string>(type: "text", nullable: true),
                    active = table.Column<bool>(type: "boolean", nullable: false),
                    market_cap = table.Column<double>(type: "double precision", nullable: true),
                    float_shares = table.Column<long>(type: "bigint", nullable: true),
                    shares_outstanding = table.Column<long>(type: "bigint", nullable: true),
                    sector = table.Column<string>(type: "text", nullable: true),
                    industry = table.Column<string>(type: "text", nullable: true),
                    cik = table.Column<string>(type: "text", nullable: true),
                    first_seen = table.Column<DateOnly>(type: "date", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_tickers", x => x.symbol);
                });

            // Hand-written: one partition per trading day, so a day is replaced by building a new partition (COPY into
            // a bare table, then its key in one sorted pass) and swapping it in. The model is the generated one.
            migrationBuilder.Sql("""
                CREATE TABLE volume_slots (
                    trading_date date NOT NULL,
                    symbol text NOT NULL,
                    slot smallint NOT NULL,
                    volume bigint NOT NULL,
                    accumulated_volume bigint NOT NULL,
                    trades integer NOT NULL,
                    CONSTRAINT pk_volume_slots PRIMARY KEY (trading_date, symbol, slot),
                    CONSTRAINT ck_volume_slots_slot CHECK (slot >= 0 AND slot <= 191)
                ) PARTITION BY LIST (trading_date);
                """);

            migrationBuilder.CreateIndex(
                name: "ix_atr_values_symbol_trading_date",
                table: "atr_values",
                columns: new[] { "symbol", "trading_date" });

            migrationBuilder.CreateIndex(
                name: "ix_daily_bars_trading_date",
                table: "daily_bars",
                column: "trading_date");

            migrationBuilder.CreateIndex(
                name: "ix_tickers_active",
                table: "tickers",
                column: "active");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "atr_values");

            migrationBuilder.DropTable(
                name: "daily_bars");

            migrationBuilder.DropTable(
                name: "tickers");

            migrationBuilder.DropTable(
                name: "volume_slots");
        }
    }
}
