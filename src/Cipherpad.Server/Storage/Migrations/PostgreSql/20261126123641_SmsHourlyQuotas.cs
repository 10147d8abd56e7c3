using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cipherpad.Server.Storage.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class SmsHourlyQuotas : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "SmsHourlyQuotas",
                columns: table => new
                {
                    AccountId = table.Column<Guid>(type: "uuid", nullable: false),
                    RelyingPartyId = table.Column<Guid>(type: "uuid", nullable: false),
                    Hour = table.Column<long>(type: "bigint", nullable: false),
                    Sent = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SmsHourlyQuotas", x => new { x.AccountId, x.RelyingPartyId, x.Hour });
                });

            migrationBuilder.CreateIndex(
                name: "IX_SmsHourlyQuotas_Hour",
                table: "SmsHourlyQuotas",
                column: "Hour");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SmsHourlyQuotas");
        }
    }
}
