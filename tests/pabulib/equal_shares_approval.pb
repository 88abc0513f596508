META
key;value
description;Budget de quartier Anderlecht 2024 (hand-written test file)
country;Belgium
unit;Anderlecht
instance;2024
num_projects;4
num_votes;12
budget;50000
vote_type;approval
rule;equalshares
date_begin;01.05.2024
date_end;15.05.2024
max_length;2
language;fr
currency;EUR
PROJECTS
project_id;cost;votes;name;selected
10;30000;8;Piste cyclable;1
20;20000;7;Jardin partagé;0
30;20000;4;Fresque murale;0
40;10000;2;Fontaine;0
VOTES
voter_id;vote
a1;10,20
a2;10,20
a3;10,20
a4;10,20
a5;10,20
a6;10,20
a7;10,20
a8;10
a9;30,40
a10;30,40
a11;30
a12;30
