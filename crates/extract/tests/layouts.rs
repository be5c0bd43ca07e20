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

#[test]
fn a_credit_or_site_name_between_headline_and_dateline_is_not_the_headline() {
    for credit in [
        "Korean Central News Agency of DPRK via Korea News Service (KNS)",
        "Scottish Friendship Society",
        "The Pyongyang Times",
    ] {
        let (a, _) = read(&format!(
            "Paper Calls for Stronger Unity\n\n{credit}\n\nPyongyang, May 4 (KCNA) -- A newspaper today called on all the people to unite more firmly in the work of the year.\n\nIt said that unity is the source of strength. -0-\n\n(Juche112.5.4.)"
        ));
        assert_eq!(a.title.as_deref(), Some("Paper Calls for Stronger Unity"), "{credit}");
        assert_eq!(day(&a).as_deref(), Some("2023-05-04"));
    }
}

#[test]
fn date_lines_with_a_section_a_time_or_a_label() {
    for (line, want) in [
        ("Top Stories 11:20 March 14, 2022", "2022-03-14"),
        ("11:20 March 14, 2022", "2022-03-14"),
        ("Post date : 2022-03-14", "2022-03-14"),
        ("Juche111(2022) / 3 / 14 /", "2022-03-14"),
    ] {
        let (a, src) = read(&format!(
            "Envoy Says Talks Will Go On\n\n{line}\n\nSEOUL, March 14 (Yonhap) -- An envoy said on Monday that the talks would go on next week as planned.\n\nHe added that both sides want an agreement soon."
        ));
        assert_eq!(a.title.as_deref(), Some("Envoy Says Talks Will Go On"), "{line}");
        assert_eq!(day(&a).as_deref(), Some(want), "{line}");
        assert!(matches!(src, Some(DateSource::DateLine | DateSource::Dateline)), "{line}: {src:?}");
    }
}

#[test]
fn a_breadcrumb_printed_before_the_headline() {
    let (a, _) = read(
        "Home     Ministry Spokesman Answers Question on Drills\n  A spokesman for the ministry answered a question put by the news agency today about the joint drills.\n  He said the drills are a grave provocation that must stop.",
    );
    assert_eq!(a.title.as_deref(), Some("Ministry Spokesman Answers Question on Drills"));
}

#[test]
fn a_juche_trailer_at_the_end_of_the_last_line() {
    let (a, src) = read(
        "Farmers Finish Sowing\n\nPyongyang, May 20 (KCNA) -- Farmers of the province finished the sowing of rice ahead of schedule this year.\n\nThey are now weeding the fields. -0- (Juche114.5.20.)",
    );
    assert_eq!(day(&a).as_deref(), Some("2025-05-20"));
    assert_eq!(src, Some(DateSource::JucheTrailer));
    assert_eq!(a.paragraphs.last().map(String::as_str), Some("They are now weeding the fields."));
}

#[test]
fn reporters_sign_off_is_not_body() {
    let (a, _) = read(
        "Agency Reports Launch\n\nSEOUL, June 2 (Yonhap) -- The agency reported on Sunday that a rocket was launched from the west coast.\n\nIt gave no further details.\n\nreporter1@news.example.com\n\n(END)",
    );
    assert_eq!(a.paragraphs.last().map(String::as_str), Some("It gave no further details."));
    assert_eq!(a.paragraphs.len(), 2);
}

#[test]
fn a_dateline_without_a_place_names_the_agency() {
    let (a, _) = read(
        "Leader Inspects Factory\n\nJune 2 (AFP) -- The leader inspected a machine factory and called for more output, state media said on Sunday.\n\nHe was accompanied by senior officials.",
    );
    assert!(a.paragraphs[0].starts_with("The leader inspected"), "{:?}", a.paragraphs[0]);
    assert_eq!(a.outlet.as_deref(), Some("AFP"));
}

#[test]
fn pages_of_several_articles_end_the_first_at_the_next() {
    // The next one under a headline and its own dateline.
    let (a, _) = read(
        "Delegation Arrives\n\nPyongyang, June 30 (KCNA) -- A delegation of the friendship society arrived here by air on Sunday.\n\nIt was met at the airport by officials. -0-\n\nMinister Meets Ambassador\n\nPyongyang, June 30 (KCNA) -- The minister met the new ambassador at his office on Sunday and had a talk with him.\n\n(Juche108.6.30.)",
    );
    assert_eq!(a.paragraphs.len(), 2, "{:?}", a.paragraphs);
    assert_eq!(a.teasers.len(), 1);
    assert_eq!(a.teasers[0].title.as_deref(), Some("Minister Meets Ambassador"));
    // The next one under a `… ::` heading.
    let (a, _) = read(
        "Minister's Boast\n\nThe outgoing minister boasted of his term as he left the office last week.\n\nHis record speaks for itself, the article said.\n\nBrilliant commander ::\n\nThe service personnel celebrate the anniversary of the conferring of the title.",
    );
    assert_eq!(a.paragraphs.len(), 2, "{:?}", a.paragraphs);
    assert_eq!(a.teasers[0].title.as_deref(), Some("Brilliant commander"));
}

#[test]
fn a_capture_cut_in_mid_sentence_keeps_its_last_words_but_not_crumbs() {
    let (a, _) = read(
        "Talks Held\n\nPyongyang, May 3 (KCNA) -- Talks were held between the two delegations at the hall on Monday.\n\nThe two sides exchanged views on the develop",
    );
    assert_eq!(a.paragraphs.last().map(String::as_str), Some("The two sides exchanged views on the develop"));
    let (a, _) = read(
        "Talks Held\n\nPyongyang, May 3 (KCNA) -- Talks were held between the two delegations at the hall on Monday.\n\nMore From Naena",
    );
    assert_eq!(a.paragraphs.len(), 1, "{:?}", a.paragraphs);
}

#[test]
fn a_teaser_that_opens_with_a_dateline_is_a_lede() {
    let (a, _) = read(
        "Talks Held\n\nPyongyang, May 3 (KCNA) -- Talks were held between the two delegations at the hall on Monday.\n\nMore From KCNA\n\nPyongyang, May 2 (KCNA) -- A newspaper said today that the new stand\n\nMay 02, 2024",
    );
    assert_eq!(a.teasers.len(), 1, "{:?}", a.teasers);
    assert_eq!(a.teasers[0].title, None);
    assert!(
        a.teasers[0].lede.as_deref().is_some_and(|l| l.starts_with("A newspaper said")),
        "{:?}",
        a.teasers
    );
}

#[test]
fn a_relays_calendar_day_after_the_dispatch_gives_way_to_the_dateline() {
    // The relay posted the dispatch the next day: the original outlet's day is the dateline's.
    let (a, src) = read(
        "calendar>>October 23. 2008 Juche 97\nDelegation Leaves\nPyongyang, October 22 (KCNA) -- A delegation of the ministry left here today for a visit abroad.\n\nIt was seen off by officials.",
    );
    assert_eq!(day(&a).as_deref(), Some("2008-10-22"));
    assert_eq!(src, Some(DateSource::Dateline));
    // A dateline far from the calendar day is not a lag: the calendar line stands.
    let (a, src) = read(
        "calendar>>October 23. 2008 Juche 97\nDelegation Leaves\nPyongyang, October 2 (KCNA) -- A delegation of the ministry left here today for a visit abroad.\n\nIt was seen off by officials.",
    );
    assert_eq!(day(&a).as_deref(), Some("2008-10-23"));
    assert_eq!(src, Some(DateSource::CalendarLine));
}

#[test]
fn a_url_on_the_first_line_is_the_address_not_the_headline() {
    let (a, src) = read(
        "https://news.example.org/view/AEN20190620000100315\n date 2019-06-20 The envoy (left) shakes hands with the minister in the capital on Wednesday. (Example Agency)\n\nThe two countries signed an agreement on trade in their capital on Wednesday, the state news agency of the host reported.\n\nThe minister said more talks would follow later this year.",
    );
    assert_eq!(a.url.as_deref(), Some("https://news.example.org/view/AEN20190620000100315"));
    assert_eq!(a.title, None);
    assert_eq!(day(&a).as_deref(), Some("2019-06-20"));
    assert_eq!(src, Some(DateSource::CaptureNote));
    assert_eq!(a.paragraphs.len(), 2, "{:?}", a.paragraphs);
    assert!(a.paragraphs[0].starts_with("The two countries"));
}

#[test]
fn a_date_in_the_first_line_url_dates_the_dateline() {
    let (a, src) = read(
        "http://friends.example.net/2019/06/20/leader-greets-president/\nLeader Sends Greetings to President\n\nPyongyang, June 19 (KCNA) -- The leader sent a message of greetings to the president of the friendly country on the national day.\n\nThe message wished the president success in his work.",
    );
    assert_eq!(a.title.as_deref(), Some("Leader Sends Greetings to President"));
    assert_eq!(day(&a).as_deref(), Some("2019-06-19"));
    assert_eq!(src, Some(DateSource::Dateline));
    // Without the dateline, the URL's own day.
    let (a, src) = read(
        "URL: http://friends.example.net/news/20160629_statement.html\nSpokesman Rejects Pressure\n\nA spokesman for the ministry made public a statement rejecting the pressure of the big power on the country.",
    );
    assert_eq!(day(&a).as_deref(), Some("2016-06-29"));
    assert_eq!(src, Some(DateSource::Url));
    assert_eq!(a.title.as_deref(), Some("Spokesman Rejects Pressure"));
    // A page's own date still outranks its URL's.
    let (a, src) = read(
        "https://paper.example.com/2020/01/02/talks/\nTalks Held\n\nJanuary 03, 2020\n\nThe two delegations held talks in the capital and discussed ways of expanding trade between them.",
    );
    assert_eq!(day(&a).as_deref(), Some("2020-01-03"));
    assert_eq!(src, Some(DateSource::DateLine));
}

#[test]
fn a_url_line_does_not_hide_a_blog_post_date() {
    let (a, _) = read(
        "http://someone.blogspot.com/2014/02/leader-meets-president.html\nWednesday, 12 February 2014\n\n\nThe president (right) shakes hands with the visitor at a reception on Friday.\n\nVisitor Meets President in the Resort\n\n\nThe visiting head of state met the president in the resort city on Friday, the state news agency reported on Saturday.\n\nHe left for the country on February 5.",
    );
    assert_eq!(a.captured.map(|d| d.to_string()).as_deref(), Some("2014-02-12"));
    assert_eq!(a.title.as_deref(), Some("Visitor Meets President in the Resort"));
    assert!(a.paragraphs[0].starts_with("The visiting head of state"), "{:?}", a.paragraphs);
}

#[test]
fn a_gregorian_trailer_dates_the_page() {
    let (a, src) = read(
        "Pyongyang, March 5 (KCNA) -- The embassy hosted a reception on March 3 to mark the anniversary of the friendship treaty.\nPresent there were officials of the ministry.\nSpeeches were made at the reception. -0-\nwww.kcna.kp (2024.3.5.)",
    );
    assert_eq!(day(&a).as_deref(), Some("2024-03-05"));
    assert_eq!(src, Some(DateSource::JucheTrailer));
    assert_eq!(a.paragraphs.len(), 3, "{:?}", a.paragraphs);
    assert_eq!(a.paragraphs[2], "Speeches were made at the reception.");
}

#[test]
fn a_capitals_dateline_names_the_outlet_over_a_closing_source_credit() {
    let (a, src) = read(
        "https://wire.example.kz/news/delegation-talks_a1234/\n date 2015-11-13 Newsfrom Wire\n\nASTANA. NEWSWIRE - The visiting delegation and the defence minister have discussed ways of developing cooperation between the two armies at a meeting in the capital.\n\nThe sides signed an agreement on Thursday.\n\nSource: OTHERWIRE\n\nCategory: World | Views: 12 | Added by: editor | Tags: army, talks",
    );
    assert_eq!(a.title, None);
    assert_eq!(a.outlet.as_deref(), Some("NEWSWIRE"));
    assert_eq!(day(&a).as_deref(), Some("2015-11-13"));
    assert_eq!(src, Some(DateSource::CaptureNote));
    assert!(a.paragraphs[0].starts_with("The visiting delegation"), "{:?}", a.paragraphs);
    assert_eq!(a.paragraphs.len(), 2, "{:?}", a.paragraphs);
}

#[test]
fn having_a_photo_taken_is_prose_not_a_caption() {
    let (a, _) = read(
        "Leader Meets Officials\n\nThe leader met the officials of the region at the restaurant on Friday and spoke with them.\n\nHe had a commemorative photo taken with them against the backdrop of the restaurant.\n\nPhoto taken on May 3 shows the restaurant.",
    );
    assert_eq!(a.paragraphs.len(), 2, "{:?}", a.paragraphs);
    assert!(a.paragraphs[1].starts_with("He had a commemorative photo taken"));
}

#[test]
fn a_broadcasters_written_and_updated_stamps_date_the_page() {
    let (a, src) = read(
        "https://radio.example.org/news_view.htm?lang=e&Seq_Code=100001\n\nMenu\n\nInter-Korea\n\nNew Envoy Takes up Post in Pyongyang\n\nWritten: 2021-05-04 09:10:11Updated: 2021-05-04 10:00:00\n\nThe new ambassador of a Central Asian country presented his credentials to a senior official in Pyongyang, state media said on Tuesday.\n\nThe official received the credentials on behalf of the leader and had a talk with the envoy.",
    );
    assert_eq!(a.title.as_deref(), Some("New Envoy Takes up Post in Pyongyang"));
    assert_eq!(day(&a).as_deref(), Some("2021-05-04"));
    assert_eq!(src, Some(DateSource::MetaLine));
}

#[test]
fn a_newspapers_byline_stamp_and_placeless_agency_dateline() {
    let (a, _) = read(
        "https://paper.example.org/view.php?ud=20150304000123\n\nLeader thanks foreign heads of state for their messages\nByPublished : Mar. 4, 2015 - 16:51\n(Newswire) -- The leader has thanked the heads of several states for the messages they sent him last month, the state television said Wednesday.\n\nThe messages came from Asia, Africa and Europe, it said.",
    );
    assert_eq!(a.title.as_deref(), Some("Leader thanks foreign heads of state for their messages"));
    assert_eq!(day(&a).as_deref(), Some("2015-03-04"));
    assert_eq!(a.outlet.as_deref(), Some("Newswire"));
    assert!(a.paragraphs[0].starts_with("The leader has thanked"), "{:?}", a.paragraphs);
}

#[test]
fn a_newspaper_url_with_the_day_before_a_serial_dates_the_page() {
    let (a, src) = read(
        "https://paper.example.org/view.php?ud=20160708000222\n\nThe party newspaper on Thursday praised the farmers of a northern province for a large harvest of potatoes this year.\n\nIt said the county farms had gone beyond their plan for the year by a fifth.",
    );
    assert_eq!(day(&a).as_deref(), Some("2016-07-08"));
    assert_eq!(src, Some(DateSource::Url));
}

#[test]
fn a_blog_urls_month_gives_a_datelines_year() {
    let (a, src) = read(
        "https://friends.example.org/2017/09/statement-supported-by-friends_12.html\n\nStatement Supported by Friends\n\nPyongyang, September 12 (KCNA) -- Personages of two countries issued statements in support of the declaration.\n\nThe chairman of a friendship society said the declaration showed the way to peace.",
    );
    assert_eq!(day(&a).as_deref(), Some("2017-09-12"));
    assert_eq!(src, Some(DateSource::Dateline));
    // A dateline of the month before the post's: the same year still.
    let (a, _) = read(
        "https://friends.example.org/2018/01/statement-supported_03.html\n\nStatement Supported\n\nPyongyang, December 30 (KCNA) -- Personages of two countries issued statements in support of the address.\n\nThe chairman of a friendship society said the address showed the way to peace.",
    );
    assert_eq!(day(&a).as_deref(), Some("2017-12-30"));
}

#[test]
fn a_wire_storys_source_and_published_on_one_line() {
    let (a, src) = read(
        "https://daily.example.cn/content/100200.shtml\n\nDelegation returns home after visit to the South\nSource:Newswire Published: 2019/3/6 0:16:45\nThe official media of the DPRK on Tuesday evening briefly reported on the return of a delegation after a three-day visit.\n\nThe delegation came back via Kaesong, according to the report.",
    );
    assert_eq!(a.title.as_deref(), Some("Delegation returns home after visit to the South"));
    assert_eq!(a.outlet.as_deref(), Some("Newswire"));
    assert_eq!(day(&a).as_deref(), Some("2019-03-06"));
    assert_eq!(src, Some(DateSource::MetaLine));
}

#[test]
fn a_closing_agency_in_capitals_is_the_outlet_not_body() {
    let (a, _) = read(
        "https://wire.example.com/asia/delegation-sent-abroad\n\nMar 22, 2024, 07:12 AM\n\nSEOUL - North Korea has sent a delegation to three Asian countries, state media said on Friday.\n\nThe group arrived in the first capital on Thursday, state media said. REUTERS",
    );
    assert_eq!(a.outlet.as_deref(), Some("Reuters"));
    assert_eq!(
        a.paragraphs.last().map(String::as_str),
        Some("The group arrived in the first capital on Thursday, state media said.")
    );
}

#[test]
fn a_credit_fragment_with_a_time_is_a_date_line_not_the_headline() {
    let (a, _) = read(
        "https://en.example.cn/n3/2022/0304/c90000-1000.html\n\nMinister visits the capital\n\nNewswire) 11:14, March 4, 2022\n\nSEOUL, March 3 (Newswire) -- The foreign minister arrived in Pyongyang on Thursday for an official visit.\n\nThe two ministers held talks on the same day.",
    );
    assert_eq!(a.title.as_deref(), Some("Minister visits the capital"));
    assert_eq!(day(&a).as_deref(), Some("2022-03-03"));
}
