//! Text captures in the layouts real state-media pages come in. Every page here is
//! written for the test in the shape of a layout (no third-party text).

use annalist_extract::{DateSource, read_text_page};
use annalist_model::Article;

fn read(page: &str) -> (Article, Option<DateSource>) {
    let (a, ev) = read_text_page(page);
    (a, ev.map(|e| e.source))
}

fn day(a: &Article) -> Option<String> {
    a.published.map(|d| d.to_string())
}

#[test]
fn outlet_calendar_page() {
    let (a, src) = read(
        "calendar>>March 3. 2015 Juche 104\nDelegation Leaves for Hanoi\nPyongyang, March 3 (KCNA) -- A delegation of the Ministry of Culture left here today for Vietnam to attend a festival.\n\nIt was seen off at the airport by officials of the ministry and the Vietnamese ambassador here.\n\nCopyright (C) KOREA NEWS SERVICE(KNS) All Rights Reserved.",
    );
    assert_eq!(a.title.as_deref(), Some("Delegation Leaves for Hanoi"));
    assert_eq!(day(&a).as_deref(), Some("2015-03-03"));
    assert_eq!(src, Some(DateSource::CalendarLine));
    assert_eq!(a.outlet.as_deref(), Some("KCNA"));
    assert_eq!(a.captured, None);
    assert_eq!(a.paragraphs.len(), 2);
    assert!(a.paragraphs[0].starts_with("A delegation of the Ministry"), "{:?}", a.paragraphs[0]);
}

#[test]
fn outlet_calendar_page_in_table_chrome() {
    let (a, _) = read(
        "calendar>>May 9. 2012 Juche 101 |\n|\n||\nFlowers Sent to Embassy\n|\n|\nPyongyang, May 9 (KCNA) -- Parties of several countries sent flowers to the DPRK embassies there on the occasion of the anniversary. |\nCopyright (C) KOREA NEWS SERVICE(KNS) All Rights Reserved.\n|",
    );
    assert_eq!(a.title.as_deref(), Some("Flowers Sent to Embassy"));
    assert_eq!(day(&a).as_deref(), Some("2012-05-09"));
    assert_eq!(
        a.paragraphs,
        vec![
            "Parties of several countries sent flowers to the DPRK embassies there on the occasion of the anniversary."
        ]
    );
}

#[test]
fn juche_trailer_gives_the_year_of_a_dateline() {
    let (a, src) = read(
        "Talks Held\n\nPyongyang, October 8 (KCNA) -- Talks between the two delegations were held at the Mansudae Assembly Hall on Monday.\n\nBoth sides exchanged views on matters of mutual concern. -0-\n\nwww.kcna.kp (Juche113.10.8.)",
    );
    assert_eq!(day(&a).as_deref(), Some("2024-10-08"));
    assert_eq!(src, Some(DateSource::JucheTrailer));
    assert_eq!(a.paragraphs.len(), 2);
    assert_eq!(a.paragraphs[1], "Both sides exchanged views on matters of mutual concern.");
}

#[test]
fn mirror_meta_line_wins_over_dateline_and_capture_date() {
    let (a, src) = read(
        "January 02, 2026Jan 02, 2026\nKCNA KCNA.kp (En)\n\nStatement of Spokesman\n\nDate: 06/03/2019 | Source: KCNA.kp (En) | Read original version at source\n\nPyongyang, March 5 (KCNA) -- A spokesman for the ministry issued the following statement on Tuesday about the drills:\n\nThe drills are a provocation and must stop at once, the statement said. -0-\n\nwww.kcna.kp (Juche108.3.6.)\n\nMore From KCNA.kp (En)\n\nOther Story\n\nOther Story\n\nPyongyang, January 1 (KCNA) -- A short lede of the other\n\nJanuary 01, 2026\n\nPyongyang, January 1 (KCNA) -- A short lede of the other",
    );
    assert_eq!(a.captured.map(|d| d.to_string()).as_deref(), Some("2026-01-02"));
    assert_eq!(day(&a).as_deref(), Some("2019-03-06"));
    assert_eq!(src, Some(DateSource::MetaLine));
    assert_eq!(a.outlet.as_deref(), Some("KCNA.kp (En)"));
    assert_eq!(a.title.as_deref(), Some("Statement of Spokesman"));
    assert_eq!(a.paragraphs.len(), 2);
    assert_eq!(a.teasers.len(), 1);
}

#[test]
fn blog_post_date_gives_the_year_of_the_dateline() {
    // The blog posts on its own day; the dateline's day is the outlet's.
    let (a, src) = read(
        "Friday, January 03, 2014\n\nNew Year Greetings Sent\n\nPyongyang, December 30 (KCNA) -- The leader sent New Year greetings to the heads of state of several countries on Monday.\nThe greetings wished them success in their work in the new year.\n\nNo comments:\n\nPost a Comment",
    );
    assert_eq!(a.captured.map(|d| d.to_string()).as_deref(), Some("2014-01-03"));
    assert_eq!(day(&a).as_deref(), Some("2013-12-30"));
    assert_eq!(src, Some(DateSource::Dateline));
    assert_eq!(a.title.as_deref(), Some("New Year Greetings Sent"));
    assert_eq!(a.outlet.as_deref(), Some("KCNA"));
    assert_eq!(a.paragraphs.len(), 2, "{:?}", a.paragraphs);
}

#[test]
fn dateline_without_any_year_gives_no_date() {
    let (a, src) = read(
        "Site of the Friends\n\nVisit Paid to Factory\n\nPyongyang, June 4 (KCNA) -- A delegation of friends visited the textile mill in the capital city on Tuesday.\n\nThey were told about the history of the mill and its production.\n\nImage credit: somebody on a photo site\n\nRelated posts:",
    );
    assert_eq!(a.published, None);
    assert_eq!(src, None);
    assert_eq!(a.title.as_deref(), Some("Visit Paid to Factory"));
    assert_eq!(a.paragraphs.len(), 2);
    assert!(a.paragraphs.iter().all(|p| !p.contains("Image credit")));
}

#[test]
fn foreign_wire_story_with_byline_and_credits() {
    let (a, src) = read(
        "North Korea tests a new engine, state media says\n\nBy Jane Roe\n\nSEOUL (Reuters) - North Korea said on Sunday it had tested a new rocket engine at its launch site, according to the state news agency.\n\nThe test was watched by senior officials, the agency said.\n\n(Reporting by Jane Roe; Editing by John Doe)\n\n14/03/2021 10:15\n\nNews and Search",
    );
    assert_eq!(a.title.as_deref(), Some("North Korea tests a new engine, state media says"));
    assert_eq!(a.outlet.as_deref(), Some("Reuters"));
    assert_eq!(day(&a).as_deref(), Some("2021-03-14"));
    assert_eq!(src, Some(DateSource::ClosingDate));
    assert_eq!(a.paragraphs.len(), 2, "{:?}", a.paragraphs);
    assert!(a.paragraphs[0].starts_with("North Korea said on Sunday"));
}

#[test]
fn press_page_with_captions_menus_and_closing_credit() {
    let (a, _) = read(
        "Settings\n\n  • -1\n  • +1\n\nN. Korea slams joint drills as rehearsal for war\n\n  • Facebook share button\n  • Mail share button\nSoldiers take part in a drill near the border in this file photo taken last year. Yonhap\n\nSoldiers take part in a drill near the border in this file photo taken last year. Yonhap\n\nNorth Korea on Monday denounced the joint drills of South Korea and the United States as a rehearsal for invasion, its state media said.\n\nThe drills will run for eleven days. (Yonhap)\n\nX\nCLOSE\n\nTop 10 Stories",
    );
    assert_eq!(a.title.as_deref(), Some("N. Korea slams joint drills as rehearsal for war"));
    assert_eq!(a.outlet.as_deref(), Some("Yonhap"));
    assert_eq!(a.published, None);
    assert_eq!(a.paragraphs.len(), 2, "{:?}", a.paragraphs);
    assert_eq!(a.paragraphs[1], "The drills will run for eleven days.");
}

#[test]
fn standfirst_before_an_agency_dateline() {
    let (a, _) = read(
        "All news\n\nPyongyang rejects the summit's statement as interference\n\nThe statement was issued a day after leaders of three countries met in the capital and called for talks\n\nMOSCOW, June 2. /TASS/. North Korea has rejected the statement of the trilateral summit as interference in its internal affairs, the Korean Central News Agency said.\n\nThe ministry said the country would not accept it.",
    );
    assert_eq!(a.title.as_deref(), Some("Pyongyang rejects the summit's statement as interference"));
    assert_eq!(a.outlet.as_deref(), Some("TASS"));
    assert_eq!(a.paragraphs.len(), 2);
    assert!(a.paragraphs[0].starts_with("North Korea has rejected"));
}

#[test]
fn capture_note_and_bracket_dateline_with_repeated_standfirst() {
    let (a, src) = read(
        " date 2020-07-01 You are here\n\nNorth Korea holds a party meeting\n\nWed, Jul 01, 2020 - 8:10 AM\n\nNorth Korea held a meeting of its ruling party on Tuesday to discuss the economy, state media said.\n[SEOUL] North Korea held a meeting of its ruling party on Tuesday to discuss the economy, state media said.\n\nThe meeting was the first in months.",
    );
    assert_eq!(a.title.as_deref(), Some("North Korea holds a party meeting"));
    assert_eq!(day(&a).as_deref(), Some("2020-07-01"));
    assert_eq!(src, Some(DateSource::DateLine));
    assert_eq!(a.paragraphs.len(), 2, "{:?}", a.paragraphs);
}

#[test]
fn site_header_lines_above_the_headline_are_chrome() {
    let (a, src) = read(
        "Watching the Leadership\n\nResearch on the politics of the peninsula\n\nQuiet Week\n\nState media had little to say this week about the leader, who has not been seen in public since the plenum ended.\n\nThe newspaper carried an editorial on farming instead.\n\nInformation\n\nThis article was written on 12 Mar 2012, and is filed under Leadership.\n\nAn affiliate of a bigger site",
    );
    assert_eq!(a.title.as_deref(), Some("Quiet Week"));
    assert_eq!(day(&a).as_deref(), Some("2012-03-12"));
    assert_eq!(src, Some(DateSource::DateLine));
    assert_eq!(a.paragraphs.len(), 2, "{:?}", a.paragraphs);
}

#[test]
fn credit_line_names_outlet_and_date_and_byline_is_chrome() {
    let (a, src) = read(
        "Farmers finish the sowing\n\nA field in spring\n\nBy Ri Chol and Kim Song\n\nFarmers across the country have finished the sowing of rice earlier than in other years, the ministry says.\n\nThey are now turning to weeding and irrigation.\n\n(Rodong Sinmun - May 20, 2018)\nPrevious Post Next Post",
    );
    assert_eq!(a.outlet.as_deref(), Some("Rodong Sinmun"));
    assert_eq!(day(&a).as_deref(), Some("2018-05-20"));
    assert_eq!(src, Some(DateSource::CreditLine));
    assert_eq!(a.paragraphs.len(), 2);
}

#[test]
fn juche_year_in_a_page_date_and_one_line_paragraphs() {
    let (a, _) = read(
        "July 1, Juche107(2018)\nReview of Newspapers\n\nPyongyang, April 2 (KCNA) -- Papers here carried the following items on Monday:\nAn editorial calls for a greater effort in the economy this year.\nAn article praises the builders of a new power station in the north.\n\nTo write your feedbacks",
    );
    assert_eq!(a.captured.map(|d| d.to_string()).as_deref(), Some("2018-07-01"));
    assert_eq!(day(&a).as_deref(), Some("2018-04-02"));
    assert_eq!(a.title.as_deref(), Some("Review of Newspapers"));
    assert_eq!(a.paragraphs.len(), 3, "{:?}", a.paragraphs);
}

#[test]
fn headline_then_body_lines_without_blank_lines() {
    let (a, _) = read(
        "Leader appears in public again\nAfter three weeks out of sight, the leader appeared at the opening of a factory, state media reported on Saturday.\nHe was joined by his sister and other senior officials at the ceremony.\nNo comments",
    );
    assert_eq!(a.title.as_deref(), Some("Leader appears in public again"));
    assert_eq!(a.published, None);
    assert_eq!(a.paragraphs.len(), 2);
}
