#!/usr/bin/env bash
# A county's register as GIS files: ogr2ogr loads a GeoJSON (and a Shapefile
# made from it) into staging tables, import_mines() takes it from there.
set -u
. "$(dirname "$0")/../lib/tap.sh"
db=mineconsol_import_ogr
new_db $db
scratch work ogr -d
pg="PG:host=$PGHOST port=$PGPORT user=$PGUSER dbname=$db"

# Four mines of one county in CGCS2000 zone 38 with the zone prefix
# (EPSG 4526): two good, one licence number without its C, one bow tie.
cat >"$work/register.geojson" <<'JSON'
{
"type": "FeatureCollection",
"crs": { "type": "name", "properties": { "name": "urn:ogc:def:crs:EPSG::4526" } },
"features": [
{ "type": "Feature", "properties": { "license_no": "C1409022019087110148436", "name": "东山采石场",
    "holder": "忻州东山建材有限公司", "holder_uscc": "91350200776049653A", "county_code": "140902",
    "mineral": "建筑石料用灰岩", "reserves_t": 250000, "valid_from": "2019-08-01", "valid_to": "2024-07-31" },
  "geometry": { "type": "Polygon", "coordinates": [[[38389373.04, 4254511.83], [38389673.04, 4254511.83],
    [38389673.04, 4254811.83], [38389373.04, 4254811.83], [38389373.04, 4254511.83]]] } },
{ "type": "Feature", "properties": { "license_no": "C1409022020037110000002", "name": "西坡砂场",
    "holder": "忻州西坡砂业有限公司", "holder_uscc": "91440101MA5CJQ4N59", "county_code": "140902",
    "mineral": "建筑用砂", "reserves_t": 80000, "valid_from": "2020-03-01", "valid_to": "2025-02-28" },
  "geometry": { "type": "Polygon", "coordinates": [[[38390373.04, 4255011.83], [38390573.04, 4255011.83],
    [38390573.04, 4255211.83], [38390373.04, 4255211.83], [38390373.04, 4255011.83]]] } },
{ "type": "Feature", "properties": { "license_no": "1409022020037110000003", "name": "丢C矿",
    "holder": null, "holder_uscc": null, "county_code": "140902",
    "mineral": "建筑用砂", "reserves_t": 1000, "valid_from": null, "valid_to": null },
  "geometry": { "type": "Polygon", "coordinates": [[[38391373.04, 4256011.83], [38391473.04, 4256011.83],
    [38391473.04, 4256111.83], [38391373.04, 4256011.83]]] } },
{ "type": "Feature", "properties": { "license_no": "C1409022020037110000004", "name": "蝴蝶矿",
    "holder": null, "holder_uscc": null, "county_code": "140902",
    "mineral": "建筑用砂", "reserves_t": 1000, "valid_from": null, "valid_to": null },
  "geometry": { "type": "Polygon", "coordinates": [[[38392373.04, 4257011.83], [38392473.04, 4257111.83],
    [38392473.04, 4257011.83], [38392373.04, 4257111.83], [38392373.04, 4257011.83]]] } }
]
}
JSON

plan 14
psql -X -q -v ON_ERROR_STOP=1 -d $db -c "CREATE EXTENSION mineconsol CASCADE" >/dev/null 2>&1
ok $? "extension created"

ogr2ogr -f PostgreSQL "$pg" "$work/register.geojson" -nln staging_geojson >"$work/ogr1.log" 2>&1
ok $? "ogr2ogr GeoJSON -> PostgreSQL staging table"
is "$(q $db "SELECT Find_SRID('public', 'staging_geojson', 'wkb_geometry')")" 4526 \
   "ogr2ogr kept the layer's SRID (EPSG 4526) on wkb_geometry"

report=$(q $db "SELECT string_agg(row_no || ':' || ok, ' ' ORDER BY row_no) FROM mineconsol.import_mines('staging_geojson')" 2>"$work/notice1")
is "$report" "1:true 2:true 3:false 4:false" "import_mines over the GeoJSON staging table: good rows ok, bad rows refused"
like "$(q $db "SELECT error FROM mineconsol.import_mines('staging_geojson') WHERE row_no = 3")" \
     '^license_no: invalid input syntax for type license_no: "1409022020037110000003"' \
     "the licence number without its C is reported with the column"
like "$(q $db "SELECT error FROM mineconsol.import_mines('staging_geojson') WHERE row_no = 4")" \
     '^geom: geom is not a valid polygon: Self-intersection' "the bow tie is reported with ST_IsValidReason"
is "$(q $db "SELECT count(*) || ' ' || min(ST_SRID(geom)) || ' ' || round(sum(area_km2)::numeric, 2) FROM mineconsol.mines")" \
   "2 4547 0.13" "two mines landed in the working SRID (0.09 + 0.04 km²)"
grep -q 'ignores the staging columns' "$work/notice1"
ok $((! $?)) "every GeoJSON property is a column import_mines knows (no ignored columns)"

ids_before=$(q $db "SELECT string_agg(id::text, ',' ORDER BY id) FROM mineconsol.mines")
q $db "UPDATE mineconsol.mines SET holder_uscc = NULL, reserves_t = 0" >/dev/null

# The same register as a Shapefile: DBF names are cut to 10 characters
# (holder_usc, county_cod); UTF-8 keeps the Chinese names.
ogr2ogr -f "ESRI Shapefile" -lco ENCODING=UTF-8 "$work/register.shp" "$work/register.geojson" >"$work/ogr2.log" 2>&1
ok $? "ogr2ogr GeoJSON -> Shapefile"
ogr2ogr -f PostgreSQL "$pg" "$work/register.shp" -nln staging_shp -a_srs EPSG:4526 >"$work/ogr3.log" 2>&1
ok $? "ogr2ogr Shapefile -> PostgreSQL staging table"
like "$(q $db "SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = 'staging_shp'")" \
     'holder_usc,county_cod' "the staging table has the DBF's 10-character names"
report=$(q $db "SELECT string_agg(row_no || ':' || ok, ' ' ORDER BY row_no) FROM mineconsol.import_mines('staging_shp')" 2>"$work/notice2")
is "$report" "1:true 2:true 3:false 4:false" "import_mines over the Shapefile staging table (ogc_fid numbers the rows)"
is "$(q $db "SELECT string_agg(id::text, ',' ORDER BY id) FROM mineconsol.mines")" "$ids_before" \
   "re-importing the register updated the same mines instead of adding new ones"
is "$(q $db "SELECT string_agg(holder_uscc::text || '/' || reserves_t || '/' || name, ' ' ORDER BY id) FROM mineconsol.mines")" \
   "91350200776049653A/250000/东山采石场 91440101MA5CJQ4N59/80000/西坡砂场" \
   "the truncated columns were read (credit codes and reserves restored, names intact)"
