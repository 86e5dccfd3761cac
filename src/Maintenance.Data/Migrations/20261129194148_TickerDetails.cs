using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Maintenance.Data.Migrations
{
    /// <inheritdoc />
    public partial class TickerDetails : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "address1",
                table: "tickers",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "city",
                table: "tickers",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "composite_figi",
                table: "tickers",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "currency_name",
                table: "tickers",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "delisted_utc",
                table: "tickers",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "description",
                table: "tickers",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "homepage_url",
                table: "tickers",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "icon_url",
                table: "tickers",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<DateOnly>(
                name: "list_date",
                table: "tickers",
                type: "date",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "locale",
                table: "tickers",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "logo_url",
                table: "tickers",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "market",
                table: "tickers",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "phone_number",
                table: "tickers",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "postal_code",
                table: "tickers",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "round_lot",
                table: "tickers",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "share_class_figi",
                table: "tickers",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "state",
                table: "tickers",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ticker_root",
                table: "tickers",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ticker_suffix",
                table: "tickers",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "total_employees",
                table: "tickers",
                type: "integer",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "address1",
                table: "tickers");

            migrationBuilder.DropColumn(
                name: "city",
                table: "tickers");

            migrationBuilder.DropColumn(
                name: "composite_figi",
                table: "tickers");

            migrationBuilder.DropColumn(
                name: "currency_name",
                table: "tickers");

            migrationBuilder.DropColumn(
                name: "delisted_utc",
                table: "tickers");

            migrationBuilder.DropColumn(
                name: "description",
                table: "tickers");

            migrationBuilder.DropColumn(
                name: "homepage_url",
                table: "tickers");

            migrationBuilder.DropColumn(
                name: "icon_url",
                table: "tickers");

            migrationBuilder.DropColumn(
                name: "list_date",
                table: "tickers");

            migrationBuilder.DropColumn(
                name: "locale",
                table: "tickers");

            migrationBuilder.DropColumn(
                name: "logo_url",
                table: "tickers");

            migrationBuilder.DropColumn(
                name: "market",
                table: "tickers");

            migrationBuilder.DropColumn(
                name: "phone_number",
                table: "tickers");

            migrationBuilder.DropColumn(
                name: "postal_code",
                table: "tickers");

            migrationBuilder.DropColumn(
                name: "round_lot",
                table: "tickers");

            migrationBuilder.DropColumn(
                name: "share_class_figi",
                table: "tickers");

            migrationBuilder.DropColumn(
                name: "state",
                table: "tickers");

            migrationBuilder.DropColumn(
                name: "ticker_root",
                table: "tickers");

            migrationBuilder.DropColumn(
                name: "ticker_suffix",
                table: "tickers");

            migrationBuilder.DropColumn(
                name: "total_employees",
                table: "tickers");
        }
    }
}
